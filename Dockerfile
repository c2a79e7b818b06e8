# The probe image: nothing but the statically linked probe, so it builds without a registry.
# The binary comes from `make -C images/probe`; the lab builds it first (lab/backend/docker/probe-image.ts).
FROM scratch
COPY images/probe/build/probe /probe
ENTRYPOINT ["/probe"]
