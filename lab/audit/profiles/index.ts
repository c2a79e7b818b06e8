/** Every profile by its name in audit files (PROFILES gives the order an audit runs them in). */
import type { ProfileName } from "../audit";
import { reload, restart } from "./continuity";
import type { Profile } from "./profile";
import { tcpBesideListener, tcpReuseportSameUid } from "./tcp-beside-listener";
import { udpReuseportOtherUid, udpReuseportSameUid, udpSameAddressReuseaddr, udpSpecificReuseaddr } from "./udp-hijack";

export const PROFILE_RUNNERS: Record<ProfileName, Profile> = {
  "udp-specific-reuseaddr": udpSpecificReuseaddr,
  "udp-same-address-reuseaddr": udpSameAddressReuseaddr,
  "udp-reuseport-same-uid": udpReuseportSameUid,
  "udp-reuseport-other-uid": udpReuseportOtherUid,
  "tcp-beside-listener": tcpBesideListener,
  "tcp-reuseport-same-uid": tcpReuseportSameUid,
  reload,
  restart,
};
