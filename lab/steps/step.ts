/** Every kind of step, as one discriminated union on `kind`. Each is defined in its own file. */
import type { AcceptStep } from "./accept";
import type { BindStep } from "./bind";
import type { CloseStep } from "./close";
import type { CloseAcceptedStep } from "./close-accepted";
import type { CloseListenerStep } from "./close-listener";
import type { ConnectStep } from "./connect";
import type { ConnectManyStep } from "./connect-many";
import type { CrashStep } from "./crash";
import type { DisconnectStep } from "./disconnect";
import type { JoinStep } from "./join";
import type { ListenStep } from "./listen";
import type { PinCpuStep } from "./pin-cpu";
import type { RecvStep } from "./recv";
import type { SendStep } from "./send";
import type { SetsockoptStep } from "./setsockopt";
import type { SetuidStep } from "./setuid";
import type { ShutdownStep } from "./shutdown";
import type { SleepStep } from "./sleep";
import type { SocketStep } from "./socket";
import type { SysctlStep } from "./sysctl";
import type { TcpStatesStep } from "./tcp-states";
import type { TcpTimerStep } from "./tcp-timer";

export type Step =
  | AcceptStep
  | BindStep
  | CloseStep
  | CloseAcceptedStep
  | CloseListenerStep
  | ConnectStep
  | ConnectManyStep
  | CrashStep
  | DisconnectStep
  | JoinStep
  | ListenStep
  | PinCpuStep
  | RecvStep
  | SendStep
  | SetsockoptStep
  | SetuidStep
  | ShutdownStep
  | SleepStep
  | SocketStep
  | SysctlStep
  | TcpStatesStep
  | TcpTimerStep;
