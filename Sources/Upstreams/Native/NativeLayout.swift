import Control
import Modbus
import SiteConfig
import Vocabulary

/// Where every block of the native map starts, and the points each block holds in order. Points
/// inside a block are packed one after the other, so an address is never written as a literal:
/// it follows from the block's base and the points before it.
enum NativeLayout {
    static let headerBase = 0
    static let siteTelemetryBase = 100
    static let essControlBase = 200
    static let evcsControlBase = 210
    static let heartbeatBase = 220
    static let essStatusBase = 300
    static let evcsStatusBase = 330
    static let scheduleBase = 400
    static let deviceBase = 1000
    static let deviceStride = 100
    /// Offsets inside a device block.
    static let deviceTelemetryOffset = 40
    static let deviceControlOffset = 60
    static let deviceStatusOffset = 70

    /// Registers of the text points: the site name, and device ids and identity texts.
    static let siteNameRegisters = 16
    static let shortTextRegisters = 8

    /// The largest power a parameter register takes, W (the control core's limit).
    static let powerRange: ClosedRange<Double> = -ModeParameter.powerLimit...ModeParameter.powerLimit
    /// The largest current a parameter register takes, A (the control core's limit).
    static let currentRange: ClosedRange<Double> = 0...ModeParameter.currentLimit
    /// A duration register's range: up to one year; 0 = while the watchdog is refreshed.
    static let durationRange: ClosedRange<Double> = 0...31_536_000
    /// The heartbeat takes any value.
    static let heartbeatRange: ClosedRange<Double> = 0...Double(UInt16.max)

    /// The groups of the cluster blocks; a device block's group is its device id.
    static let headerGroup = "header"
    static let telemetryGroup = "site"
    static let controlGroup = "site.control"
    static let statusGroup = "site.status"
    static let scheduleGroup = "schedule"

    static func registers(siteName: String, devices: [(id: DeviceID, kind: DeviceKind)]) -> [NativeRegister] {
        var registers: [NativeRegister] = []
        registers += header(deviceCount: devices.count)
        registers += siteTelemetry()
        registers += control(
            NativeControlGroup(target: .essCluster, kind: .battery), prefix: "site.ess", base: essControlBase,
            group: controlGroup)
        registers += control(
            NativeControlGroup(target: .chargepointCluster, kind: .chargepoint), prefix: "site.evcs",
            base: evcsControlBase, group: controlGroup)
        var heartbeat = Block(base: heartbeatBase, group: controlGroup)
        heartbeat.add(
            "site.heartbeat", .uint16, .readWrite, "",
            "Write any value to refresh this master's watchdog (so does any other valid write); reads back the last value written.",
            range: heartbeatRange, point: .heartbeat)
        registers += heartbeat.registers
        registers += status(.essCluster, kind: .battery, prefix: "site.ess", base: essStatusBase, group: statusGroup)
        registers += status(
            .chargepointCluster, kind: .chargepoint, prefix: "site.evcs", base: evcsStatusBase, group: statusGroup)
        registers += scheduleTable()
        for (position, device) in devices.enumerated() {
            registers += deviceBlock(device.id, kind: device.kind, base: deviceBase + position * deviceStride)
        }
        return registers
    }

    // MARK: - Blocks

    private static func header(deviceCount: Int) -> [NativeRegister] {
        var block = Block(base: headerBase, group: headerGroup)
        block.add(
            "header.magic", .uint16, .read, "", "Always 0x4242 (\"BB\"): this is busbar's native map.",
            point: .header(.magic))
        block.add("header.version", .uint16, .read, "", "The map layout's version.", point: .header(.version))
        block.add("header.deviceCount", .uint16, .read, "", "Device blocks that follow.", point: .header(.deviceCount))
        block.add(
            "header.deviceBase", .uint16, .read, "", "Address of the first device block.", point: .header(.deviceBase))
        block.add(
            "header.deviceStride", .uint16, .read, "", "Registers per device block.", point: .header(.deviceStride))
        block.add(
            "header.siteName", .string(registers: siteNameRegisters), .read, "",
            "The site's name (UTF-8, zero-padded, cut at \(siteNameRegisters * 2) bytes).", point: .header(.siteName))
        return block.registers
    }

    private static func siteTelemetry() -> [NativeRegister] {
        var block = Block(base: siteTelemetryBase, group: telemetryGroup)
        block.add(
            "site.ess.soc", .float32, .read, "%", "Cluster SoC, weighted by capacity over the online batteries.",
            point: .site(.essSoc))
        block.add(
            "site.ess.activePower", .int32, .read, "W", "Sum of the online batteries' power (positive = discharge).",
            point: .site(.essActivePower))
        block.add(
            "site.ess.allowedChargePower", .int32, .read, "W",
            "The most charging power the active modes and the devices allow (≤ 0).",
            point: .site(.essAllowedChargePower))
        block.add(
            "site.ess.allowedDischargePower", .int32, .read, "W",
            "The most discharging power the active modes and the devices allow (≥ 0).",
            point: .site(.essAllowedDischargePower))
        block.add(
            "site.ess.capacity", .uint32, .read, "Wh", "Sum of the online batteries' capacities.",
            point: .site(.essCapacity))
        block.add(
            "site.grid.activePower", .int32, .read, "W", "Grid power at the site's meter (positive = import).",
            point: .site(.gridActivePower))
        block.add(
            "site.evcs.activePower", .int32, .read, "W", "Sum of the online chargepoints' power (positive = charging).",
            point: .site(.evcsActivePower))
        block.add("site.devices.online", .uint16, .read, "", "Devices online.", point: .site(.devicesOnline))
        block.add("site.devices.total", .uint16, .read, "", "Devices of the site.", point: .site(.devicesTotal))
        block.add(
            "site.pv.activePower", .int32, .read, "W",
            "PV production: sum of the online PV devices' power (≥ 0); sentinel while none is online.",
            point: .site(.pvActivePower))
        block.add(
            "site.pv.energy", .uint64, .read, "Wh",
            "Sum of the PV devices' energy counters; sentinel unless every PV device is online.",
            point: .site(.pvEnergy))
        return block.registers
    }

    /// Mode, parameter and duration, contiguous so that one FC16 sets a mode with its parameters.
    private static func control(
        _ group: NativeControlGroup, prefix: String, base: Int, group name: String
    ) -> [NativeRegister] {
        var block = Block(base: base, group: name)
        let what = group.target == .essCluster || group.target == .chargepointCluster ? "the cluster" : "this device"
        block.add(
            "\(prefix).mode", .uint16, .readWrite, "",
            "Writing a mode applies it to \(what) with the parameter and duration below, when the write completes. "
                + "RELEASE hands the target back to its fallback. Reads back the last value written.",
            values: modeValues(group.kind), point: .control(group, .mode))
        switch group.kind {
        case .battery:
            block.add(
                "\(prefix).power", .int32, .readWrite, "W",
                "The mode's power: SET_POWER signed (positive = discharge); GRID_SETPOINT the grid power "
                    + "to hold (+ import, − export); GRID_LIMIT the most import (its export is not limited "
                    + "here); CHARGE_TO_SOC the SoC to reach (0–100 %), by the end the duration sets "
                    + "(0: as soon as possible); the others a magnitude ≥ 0. Staged until the next mode write.",
                range: powerRange, point: .control(group, .parameter))
        case .chargepoint:
            block.add(
                "\(prefix).current", .uint16, .readWrite, "A",
                "LIMIT's current per phase; CHARGE_ENERGY the energy to deliver in whole kWh (0–1000), by the end "
                    + "the duration sets (0: as soon as possible). Staged until the next mode write.",
                range: currentRange, point: .control(group, .parameter))
        case .meter, .pv:
            break
        }
        block.add(
            "\(prefix).duration", .uint32, .readWrite, "s",
            "How long the mode runs; 0 = while this master refreshes its watchdog. Staged until the next mode write.",
            range: durationRange, point: .control(group, .duration))
        return block.registers
    }

    private static func status(
        _ target: Target, kind: DeviceKind, prefix: String, base: Int, group: String
    ) -> [NativeRegister] {
        var block = Block(base: base, group: group)
        let own =
            if case .device = target { "this device (its own command, else its cluster's)" } else { "the cluster" }
        block.add(
            "\(prefix).activeMode", .uint16, .read, "",
            "The mode in force on \(own). With no command, a battery target reads AUTO (source FALLBACK) and a chargepoint "
                + "target, handed back to its own behaviour, reads 0xFFFF (source NONE).",
            values: modeValues(kind, release: false), point: .status(target, .activeMode))
        switch kind {
        case .battery:
            block.add(
                "\(prefix).activeModePower", .int32, .read, "W",
                "The active mode's power parameter (CHARGE_TO_SOC: its SoC, %).",
                point: .status(target, .activeParameter))
        case .chargepoint:
            block.add(
                "\(prefix).activeModeCurrent", .uint16, .read, "A",
                "The active mode's current parameter (CHARGE_ENERGY: its energy, kWh).",
                point: .status(target, .activeParameter))
        case .meter, .pv:
            break
        }
        block.add(
            "\(prefix).remaining", .uint32, .read, "s",
            "Seconds until the active mode ends (watchdog or duration), rounded up; sentinel for a fallback.",
            point: .status(target, .remaining))
        block.add(
            "\(prefix).availableModes", .uint32, .read, "",
            "Bitmask of the modes the online devices can carry out: bit n set = mode n available.",
            point: .status(target, .availableModes))
        block.add(
            "\(prefix).source", .uint16, .read, "",
            "Who holds the active mode: FALLBACK the site's fallback (or AUTO), THIS_MASTER this profile's masters, "
                + "OTHER another source, NONE nothing (a chargepoint handed back).", values: sourceValues,
            point: .status(target, .source))
        block.add(
            "\(prefix).sourceName", .string(registers: shortTextRegisters), .read, "",
            "The id of the source that holds the active mode (\"fallback\" for a fallback).",
            point: .status(target, .sourceName))
        switch kind {
        case .battery:
            block.add(
                "\(prefix).setpoint", .int32, .read, "W", "The power ordered when a set-point is in force.",
                point: .status(target, .setpoint))
        case .chargepoint:
            block.add(
                "\(prefix).setpointCurrent", .float32, .read, "A",
                "The current per phase ordered (for the cluster: the sum).",
                point: .status(target, .setpoint))
        case .meter, .pv:
            break
        }
        return block.registers
    }

    /// The schedule table: one FC16 from `slotIndex` to `slotParameter` stages a slot; writing
    /// `commit` hands the staged slots to the control core at once, so a half-written schedule
    /// is never used.
    private static func scheduleTable() -> [NativeRegister] {
        var block = Block(base: scheduleBase, group: scheduleGroup)
        block.add(
            "schedule.slotIndex", .uint16, .readWrite, "",
            "The slot (0–\(Schedule.maximumSlots - 1)) the registers below stage: one FC16 from here to "
                + "slotParameter stages one slot. Nothing staged runs before the commit. Each master connection "
                + "stages its own slots, target and count, and commits only those; the table's registers read "
                + "back what the last master wrote.",
            range: 0...Double(Schedule.maximumSlots - 1), point: .schedule(.slotIndex))
        block.add(
            "schedule.slotStart", .uint32, .readWrite, "s", "The slot's start, Unix seconds (UTC).",
            range: 0...Double(UInt32.max), point: .schedule(.slotStart))
        block.add(
            "schedule.slotDuration", .uint32, .readWrite, "s", "How long the slot runs (1 s to 7 days).",
            range: 0...604_800, point: .schedule(.slotDuration))
        block.add(
            "schedule.slotMode", .uint16, .readWrite, "",
            "The slot's mode code, of the target's kind (as the control blocks' mode registers; no RELEASE).",
            range: 0...Double(UInt16.max), point: .schedule(.slotMode))
        block.add(
            "schedule.slotParameter", .int32, .readWrite, "W / A / % / kWh",
            "The mode's parameter, as the control block's power (ESS) or current (chargepoints) register.",
            range: powerRange, point: .schedule(.slotParameter))
        block.add(
            "schedule.target", .uint16, .readWrite, "",
            "The target the commit replaces this master's schedule on.",
            values: [NativeRegister.EnumValue("ESS", 0), NativeRegister.EnumValue("EVCS", 1)],
            point: .schedule(.target))
        block.add(
            "schedule.slotCount", .uint16, .readWrite, "",
            "How many staged slots, from index 0, the commit takes; 0 clears the target's schedule.",
            range: 0...Double(Schedule.maximumSlots), point: .schedule(.slotCount))
        block.add(
            "schedule.commit", .uint16, .readWrite, "",
            "Write the generation read here + 1 (mod 65536) to hand slots 0…slotCount−1 to the control core as "
                + "this master's schedule on the target, replacing its old one whole; any other value, a slot "
                + "not staged, or a slot the core refuses answers 0x03 and changes nothing. Reads the generation: "
                + "schedules committed so far.",
            range: 0...Double(UInt16.max), point: .schedule(.commit))
        return block.registers
    }

    private static func deviceBlock(_ id: DeviceID, kind: DeviceKind, base: Int) -> [NativeRegister] {
        let name = id.rawValue
        var identity = Block(base: base, group: name)
        identity.add(
            "\(name).kind", .uint16, .read, "", "What the device is.", values: kindValues, point: .device(id, .kind))
        identity.add(
            "\(name).online", .uint16, .read, "", "1 while the device answers its polls, else 0.",
            point: .device(id, .online))
        identity.add("\(name).age", .uint32, .read, "ms", "Time since the last good read.", point: .device(id, .age))
        identity.add(
            "\(name).id", .string(registers: shortTextRegisters), .read, "", "The device's id in the site file.",
            point: .device(id, .id))
        identity.add(
            "\(name).manufacturer", .string(registers: shortTextRegisters), .read, "",
            "Manufacturer, if the map reads it.",
            point: .device(id, .manufacturer))
        identity.add(
            "\(name).model", .string(registers: shortTextRegisters), .read, "", "Model, if the map reads it.",
            point: .device(id, .model))
        identity.add(
            "\(name).serial", .string(registers: shortTextRegisters), .read, "", "Serial number, if the map reads it.",
            point: .device(id, .serial))
        var telemetry = Block(base: base + deviceTelemetryOffset, group: name)
        let powerMeaning: String =
            switch kind {
            case .battery: "positive = discharge"
            case .chargepoint: "positive = charging"
            case .meter: "positive = import"
            case .pv: "positive = producing"
            }
        telemetry.add(
            "\(name).activePower", .int32, .read, "W", "Active power (\(powerMeaning)).",
            point: .device(id, .activePower))
        var registers = identity.registers
        switch kind {
        case .battery:
            telemetry.add("\(name).soc", .float32, .read, "%", "State of charge.", point: .device(id, .soc))
            telemetry.add(
                "\(name).allowedChargePower", .int32, .read, "W", "Charging power the device allows (≤ 0).",
                point: .device(id, .allowedChargePower))
            telemetry.add(
                "\(name).allowedDischargePower", .int32, .read, "W", "Discharging power the device allows (≥ 0).",
                point: .device(id, .allowedDischargePower))
            telemetry.add("\(name).capacity", .uint32, .read, "Wh", "Usable energy.", point: .device(id, .capacity))
            registers += telemetry.registers
            let group = NativeControlGroup(target: .device(id), kind: .battery)
            registers += control(group, prefix: name, base: base + deviceControlOffset, group: name)
            registers += status(.device(id), kind: .battery, prefix: name, base: base + deviceStatusOffset, group: name)
        case .chargepoint:
            telemetry.add(
                "\(name).plugged", .uint16, .read, "", "1 while a car is plugged in.", point: .device(id, .plugged))
            registers += telemetry.registers
            let group = NativeControlGroup(target: .device(id), kind: .chargepoint)
            registers += control(group, prefix: name, base: base + deviceControlOffset, group: name)
            registers += status(
                .device(id), kind: .chargepoint, prefix: name, base: base + deviceStatusOffset, group: name)
        case .meter, .pv:
            registers += telemetry.registers
        }
        return registers
    }

    // MARK: - Enumerations

    /// Mode register value that releases what this master holds on a target.
    static let releaseCode = 255

    static func modeValues(_ kind: DeviceKind, release: Bool = true) -> [NativeRegister.EnumValue] {
        let modes = kind.modes
        let values = modes.map { NativeRegister.EnumValue($0.name, Int($0.code)) }
        return release ? values + [NativeRegister.EnumValue("RELEASE", releaseCode)] : values
    }

    static let sourceValues: [NativeRegister.EnumValue] = NativeSourceCode.allCases.map {
        NativeRegister.EnumValue($0.name, Int($0.rawValue))
    }

    static let kindValues: [NativeRegister.EnumValue] = NativeKindCode.allCases.map {
        NativeRegister.EnumValue($0.kind.rawValue.uppercased(), Int($0.rawValue))
    }

    /// Packs points one after the other from a base address.
    private struct Block {
        var next: Int
        let group: String
        var registers: [NativeRegister] = []

        init(base: Int, group: String) {
            next = base
            self.group = group
        }

        mutating func add(
            _ name: String, _ type: ValueType, _ access: NativeRegister.Access, _ unit: String, _ description: String,
            values: [NativeRegister.EnumValue]? = nil, range: ClosedRange<Double>? = nil, point: NativePoint
        ) {
            let register = NativeRegister(
                name: name, address: next, type: type, access: access, unit: unit, description: description,
                values: values, range: range, group: group, point: point)
            registers.append(register)
            next += type.registerCount
        }
    }
}

/// Who holds a target's active mode, as the `source` status registers say.
enum NativeSourceCode: UInt16, CaseIterable {
    /// No decision yet, or nothing in force.
    case none = 0
    /// The target's configured fallback.
    case fallback = 1
    /// The master talking to this profile (its source id).
    case thisMaster = 2
    /// Another source (another master, the local API, a schedule).
    case other = 3

    var name: String {
        switch self {
        case .none: "NONE"
        case .fallback: "FALLBACK"
        case .thisMaster: "THIS_MASTER"
        case .other: "OTHER"
        }
    }
}

/// A device's kind, as the `kind` identity register says.
enum NativeKindCode: UInt16, CaseIterable {
    case battery = 1
    case chargepoint = 2
    case meter = 3
    case pv = 4

    var kind: DeviceKind {
        switch self {
        case .battery: .battery
        case .chargepoint: .chargepoint
        case .meter: .meter
        case .pv: .pv
        }
    }

    init(_ kind: DeviceKind) {
        self = Self.allCases.first { $0.kind == kind }!
    }
}
