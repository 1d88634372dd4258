import Control
import GatewayState
import SiteConfig
import Vocabulary

/// Renders the native map's points from one snapshot and the staged control registers.
struct NativeRenderer {
    let snapshot: GatewaySnapshot
    let control: NativeStagedControl
    let source: SourceID
    let map: NativeRegisterMap

    /// What `point` shows: a text, a number, or `nil` for unknown.
    func value(for point: NativePoint) -> FieldValue? {
        switch point {
        case .header(.siteName):
            return .text(map.siteName)
        case .status(let target, .sourceName):
            return .text(active(on: target).map { $0.command.origin.description } ?? "")
        case .device(let id, .id):
            return .text(id.rawValue)
        case .device(let id, .manufacturer):
            return .text(identity(id, .manufacturer))
        case .device(let id, .model):
            return .text(identity(id, .model))
        case .device(let id, .serial):
            return .text(identity(id, .serial))
        default:
            return number(for: point).map(FieldValue.number)
        }
    }

    /// An identity text by its point name in the device's map; empty when the map has none.
    private func identity(_ id: DeviceID, _ role: IdentityRole) -> String {
        snapshot.device(id.rawValue)?.identity[role.pointName] ?? ""
    }

    private func number(for point: NativePoint) -> Double? {
        switch point {
        case .header(let field): header(field)
        case .site(let value): site(value)
        case .heartbeat: Double(control.heartbeat)
        case .control(let group, let field): staged(group, field)
        case .status(let target, let field): status(target, field)
        case .device(let id, let value): device(id, value)
        case .schedule(let field): schedule(field)
        }
    }

    private func schedule(_ field: NativePoint.ScheduleField) -> Double? {
        switch field {
        case .slotIndex: Double(control.shown.slotIndex)
        case .slotStart: control.shown.slotRegisters.start
        case .slotDuration: control.shown.slotRegisters.duration
        case .slotMode: Double(control.shown.slotRegisters.mode)
        case .slotParameter: control.shown.slotRegisters.parameter
        case .target: Double(control.shown.scheduleTarget)
        case .slotCount: Double(control.shown.slotCount)
        case .commit: Double(control.generation)
        }
    }

    private func header(_ field: NativePoint.Header) -> Double? {
        switch field {
        case .magic: Double(NativeRegisterMap.magic)
        case .version: Double(NativeRegisterMap.version)
        case .deviceCount: Double(map.devices.count)
        case .deviceBase: Double(NativeLayout.deviceBase)
        case .deviceStride: Double(NativeLayout.deviceStride)
        case .siteName: nil
        }
    }

    private func site(_ value: NativePoint.SiteValue) -> Double? {
        switch value {
        case .essSoc: snapshot.essSoc
        case .essActivePower: snapshot.essActivePower
        case .essAllowedChargePower: snapshot.decision?.ess.allowedChargePower
        case .essAllowedDischargePower: snapshot.decision?.ess.allowedDischargePower
        case .essCapacity: snapshot.essCapacity
        case .gridActivePower: snapshot.gridPower
        case .evcsActivePower: snapshot.evcsActivePower
        case .devicesOnline: Double(snapshot.devicesOnline)
        case .devicesTotal: Double(snapshot.devices.count)
        case .pvActivePower: snapshot.productionActivePower
        case .pvEnergy: snapshot.productionEnergy
        }
    }

    private func staged(_ group: NativeControlGroup, _ field: NativePoint.ControlField) -> Double? {
        let request = control.request(for: group)
        return switch field {
        case .mode: request.modeCode.map(Double.init)
        case .parameter: request.parameter
        case .duration: request.duration
        }
    }

    private func isBattery(_ target: Target) -> Bool {
        switch target {
        case .essCluster: true
        case .chargepointCluster: false
        case .device(let id): snapshot.device(id.rawValue)?.kind == .battery
        }
    }

    private func status(_ target: Target, _ field: NativePoint.StatusField) -> Double? {
        guard let decision = snapshot.decision else { return nil }
        let active = active(on: target)
        switch field {
        case .activeMode:
            // Nothing in force on a battery target is its implicit fallback: AUTO, the devices'
            // own behaviour. A chargepoint nobody commands is handed back and has no mode.
            if active == nil, isBattery(target) { return Double(EssModeKind.auto.code) }
            return active.map { Double($0.command.mode.kind.code) }
        case .activeParameter:
            return active?.command.mode.parameterValue
        case .remaining:
            return active?.secondsLeft.map(Double.init)
        case .availableModes:
            return Double(decision.modes(for: target)?.bitmask ?? 0)
        case .source:
            let code: NativeSourceCode =
                switch active?.command.origin {
                case nil: isBattery(target) ? .fallback : .none
                case .fallback: .fallback
                case .source(let id): id == source ? .thisMaster : .other
                }
            return Double(code.rawValue)
        case .sourceName:
            return nil
        case .setpoint:
            switch target {
            case .essCluster:
                return decision.ess.setpoint
            case .chargepointCluster:
                return decision.chargepoints.current
            case .device(let id):
                switch decision.order(id) {
                case .setpoint(let watts): return watts
                case .current(let amperes): return amperes
                case .auto, .limits, nil: return nil
                }
            }
        }
    }

    /// The command in force on `target`; for a device, its own command, else its cluster's.
    private func active(on target: Target) -> ActiveCommand? {
        guard let decision = snapshot.decision else { return nil }
        if let own = decision.activeCommand(for: target) { return own }
        guard case .device(let id) = target, let device = snapshot.device(id.rawValue) else { return nil }
        switch device.kind {
        case .battery: return decision.activeCommand(for: .essCluster)
        case .chargepoint: return decision.activeCommand(for: .chargepointCluster)
        case .meter, .pv: return nil
        }
    }

    private func device(_ id: DeviceID, _ value: NativePoint.DeviceValue) -> Double? {
        guard let device = snapshot.device(id.rawValue) else {
            return value == .online ? 0 : nil
        }
        switch value {
        case .kind: return Double(NativeKindCode(device.kind).rawValue)
        case .online: return device.online ? 1 : 0
        case .age: return device.age.map(\.milliseconds)
        case .id, .manufacturer, .model, .serial: return nil
        default: break
        }
        // An offline device's last values are stale: unknown, as the site sums leave them out.
        guard device.online else { return nil }
        return switch value {
        case .activePower: device.value(.activePower)
        case .soc: device.value(.soc)
        case .allowedChargePower: device.value(.allowedChargePower)
        case .allowedDischargePower: device.value(.allowedDischargePower)
        case .capacity: device.capacity
        case .plugged: device.value(.plugged)
        case .kind, .online, .age, .id, .manufacturer, .model, .serial: nil
        }
    }
}
