/** Loads every step kind, so that each registers its verb. */
import "./accept";
import "./bind";
import "./close";
import "./connect";
import "./crash";
import "./join";
import "./listen";
import "./recv";
import "./send";
import "./setsockopt";
import "./setuid";
import "./shutdown";
import "./sleep";
import "./socket";
import "./tcp-states";

export { stepKind, stepVerbs } from "./registry";
