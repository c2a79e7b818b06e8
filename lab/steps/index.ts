/** Loads every step kind, so that each registers its verb. */
import "./accept";
import "./bind";
import "./close";
import "./close-accepted";
import "./close-listener";
import "./connect";
import "./connect-many";
import "./crash";
import "./disconnect";
import "./join";
import "./listen";
import "./pin-cpu";
import "./recv";
import "./send";
import "./setsockopt";
import "./setuid";
import "./shutdown";
import "./sleep";
import "./socket";
import "./sysctl";
import "./tcp-states";
import "./tcp-timer";

export { stepKind, stepVerbs } from "./registry";
