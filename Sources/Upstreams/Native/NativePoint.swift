public import Control
public import Vocabulary

/// What a register of the native map stands for: the meaning behind a name, from which the
/// profile renders reads and decodes writes.
public enum NativePoint: Hashable, Sendable {
    /// The fixed header.
    case header(Header)
    /// Site telemetry, from the snapshot's aggregates.
    case site(SiteValue)
    /// The heartbeat register: any value refreshes the master's watchdog.
    case heartbeat
    /// A register of a control block (cluster or device).
    case control(NativeControlGroup, ControlField)
    /// A register of a status block (cluster or device).
    case status(Target, StatusField)
    /// A register of a device block other than its control and status.
    case device(DeviceID, DeviceValue)
    /// A register of the schedule table block.
    case schedule(ScheduleField)

    public enum Header: Hashable, Sendable {
        case magic, version, deviceCount, deviceBase, deviceStride, siteName
    }

    public enum SiteValue: Hashable, Sendable {
        case essSoc, essActivePower, essAllowedChargePower, essAllowedDischargePower, essCapacity
        case gridActivePower, evcsActivePower, devicesOnline, devicesTotal
        case pvActivePower, pvEnergy
    }

    public enum ControlField: Hashable, Sendable {
        /// The mode code; writing it applies the mode with the block's parameter and duration.
        case mode
        /// The mode's parameter: W for ESS targets, A for chargepoint targets.
        case parameter
        /// Seconds the mode runs for; 0 = while the watchdog is refreshed.
        case duration
    }

    public enum ScheduleField: Hashable, Sendable {
        /// The slot the slot registers stage; a write holding it stages one slot.
        case slotIndex
        /// The slot's start (Unix seconds), length (s), mode code and parameter.
        case slotStart, slotDuration, slotMode, slotParameter
        /// The target the next commit replaces this master's schedule on.
        case target
        /// How many staged slots, from index 0, the next commit takes.
        case slotCount
        /// Writing the committed generation + 1 hands the staged slots to the control core;
        /// reads the generation.
        case commit
    }

    public enum StatusField: Hashable, Sendable {
        case activeMode, activeParameter, remaining, availableModes, source, sourceName
        /// What the control core orders: W for batteries and the ESS cluster, A for chargepoints
        /// and the chargepoint cluster.
        case setpoint
    }

    public enum DeviceValue: Hashable, Sendable {
        case kind, online, age, id, manufacturer, model, serial
        case activePower, soc, allowedChargePower, allowedDischargePower, capacity, plugged
    }
}

/// A target that takes modes through a control block, with the kind of mode it takes.
public struct NativeControlGroup: Hashable, Sendable {
    public var target: Target
    public var kind: DeviceKind

    public init(target: Target, kind: DeviceKind) {
        self.target = target
        self.kind = kind
    }
}
