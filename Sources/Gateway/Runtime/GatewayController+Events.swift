import Control
import GatewayState
import Synchronization

extension GatewayController {
    /// The observer's view of a decision: devices that came or went since the last (a device
    /// seen for the first time counts when it is online), and commands that lost and had not
    /// lost in the decision before.
    func tellChanges(statuses: [DeviceStatus], decision: Decision) {
        let told = watch.withLock { watch -> (any GatewayObserver, [GatewayEvent])? in
            guard let observer = watch.observer else { return nil }
            var events: [GatewayEvent] = []
            for device in statuses where (watch.online[device.id] ?? false) != device.online {
                events.append(.device(id: device.id, online: device.online))
            }
            for device in statuses { watch.online[device.id] = device.online }
            for lost in decision.lost where !watch.lost.contains(lost.description) {
                events.append(.commandLost(lost))
            }
            watch.lost = Set(decision.lost.map(\.description))
            return (observer, events)
        }
        guard let (observer, events) = told else { return }
        for event in events { observer.gateway(event) }
    }
}
