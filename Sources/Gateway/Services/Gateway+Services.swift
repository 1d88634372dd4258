public import ServiceLifecycle
import Synchronization

extension Gateway {
    /// The running gateway as services, for one `ServiceGroup` with the rest of the program.
    public struct Services: Sendable {
        /// One per device endpoint: first in the group, so that a graceful shutdown (in reverse
        /// order) ends with the devices' hand-back.
        public var endpoints: [any Service]
        /// The control loop, stopped before the hand-back.
        public var control: any Service
        /// One per upstream listener already bound (`listen(upstreams:)`).
        public var listeners: [any Service]
    }

    /// The services of the gateway's endpoints, control loop and listeners. The endpoints and
    /// the control loop start once `gate` opens; from now on a reload returns the services of
    /// the endpoints and listeners it opens (`ReloadReport`) instead of starting them itself.
    public func services(startingAfter gate: Latch) -> Services {
        let (workers, listeners) = state.withLock { state in
            state.gate = gate
            return (state.workers, state.listeners)
        }
        return Services(
            endpoints: workers.map { ThreadService(loop: $0, gate: gate) },
            control: ThreadService(loop: controller, gate: gate),
            listeners: listeners.map(UpstreamListenerService.init(listener:)))
    }
}
