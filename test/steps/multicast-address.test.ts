// Which literal addresses may deliver one datagram to many sockets: the runs whose UDP the kernel's
// accounting cannot follow (lab/run/ledger.ts).
import test from "ava";
import { isMulticastAddress } from "../../lab/steps/multicast-address";

const fansOut = [
  "224.0.0.1",
  "239.255.255.250",
  "240.0.0.1", // reserved (class E): never a unicast host
  "255.255.255.255",
  "ff02::1",
  "FF05::1:3",
  "ff0e::101",
  "::ffff:239.1.2.3",
  "::ffff:e000:1", // 224.0.0.1, written in hex
  "0:0:0:0:0:ffff:ef01:0203",
];
const unicast = [
  "0.0.0.0",
  "10.214.0.2",
  "127.0.0.1",
  "223.255.255.255",
  "::",
  "::1",
  "fd00::1",
  "fe80::1",
  "feff::1",
  "::ffff:10.214.0.2",
  "::ffff:dfff:ffff", // 223.255.255.255
  "::239.1.2.3", // IPv4-compatible, not mapped: an IPv6 unicast address
  "64:ff9b::e000:1", // NAT64 prefix: its tail is not an IPv4 address to this host
];

for (const a of fansOut) test(`${a} fans out`, (t) => t.true(isMulticastAddress(a)));
for (const a of unicast) test(`${a} is unicast`, (t) => t.false(isMulticastAddress(a)));

test("an address it cannot read is taken for one that fans out", (t) => {
  t.true(isMulticastAddress("1:2:3:4:5:6:7:8:9"));
  t.true(isMulticastAddress("::ffff:300.1.1.1"));
});
