public import Control
public import Foundation
public import Gateway
public import GatewayState
public import SiteConfig
public import Vocabulary

/// Turns a control request's bytes into a `ControlRequest`, checking everything first:
/// targets, modes, parameter types and ranges, dates, durations and the schedule. It reports
/// every problem it finds, not only the first, and a request with any problem is refused
/// whole, so a bad response never changes half of the active modes.
///
/// Strict inside `activateControlModes` and schedule slots (an unknown field is a problem, so
/// a misspelt parameter is not silently ignored); lenient at the top level, where a cloud may
/// send fields meant for others.
public struct ControlRequestDecoder: Sendable {
    /// The largest body taken, in bytes (1 MiB: a week of 15-minute slots, 672, for several
    /// targets each, pretty-printed; 64 KiB did not hold one target's week).
    public static let defaultMaximumBodySize = 1024 * 1024
    /// The most slots a schedule may hold (a week of 15-minute slots).
    public static let maximumScheduleSlots = 7 * 96
    /// The longest `duration` (of a mode or a slot): seven days.
    public static let maximumDuration: Duration = .seconds(7 * 24 * 3600)

    /// The targets requests may name, with the kind of modes each takes.
    public var targets: [Target: DeviceKind]
    /// Devices that exist but take no modes (meters), for a clearer message.
    public var uncontrollable: Set<String>
    /// The targets this source may control; `nil` for all.
    public var allowedTargets: Set<Target>?
    /// The largest body taken, in bytes.
    public var maximumBodySize: Int
    /// Other names for targets (the site file's `aliases:`), alias → target.
    public var aliases: [String: Target] = [:]
    /// Where the site is, for `until: sunrise|sunset`; `nil` refuses them.
    public var location: SiteLocation?

    public init(
        targets: [Target: DeviceKind], uncontrollable: Set<String> = [], allowedTargets: Set<Target>? = nil,
        maximumBodySize: Int = ControlRequestDecoder.defaultMaximumBodySize
    ) {
        self.targets = targets
        self.uncontrollable = uncontrollable
        self.allowedTargets = allowedTargets
        self.maximumBodySize = maximumBodySize
    }

    /// The targets of a site as a snapshot shows it: `ess` with any battery, `evcs` with any
    /// chargepoint, and every battery and chargepoint by id (online or not).
    public init(
        snapshot: GatewaySnapshot, allowedTargets: Set<Target>? = nil,
        maximumBodySize: Int = ControlRequestDecoder.defaultMaximumBodySize
    ) {
        var targets: [Target: DeviceKind] = [:]
        var uncontrollable: Set<String> = []
        for device in snapshot.devices {
            switch device.kind {
            case .battery:
                targets[.essCluster] = .battery
                targets[.device(DeviceID(device.id))] = .battery
            case .chargepoint:
                targets[.chargepointCluster] = .chargepoint
                targets[.device(DeviceID(device.id))] = .chargepoint
            case .meter, .pv:
                uncontrollable.insert(device.id)
            }
        }
        self.init(
            targets: targets, uncontrollable: uncontrollable, allowedTargets: allowedTargets,
            maximumBodySize: maximumBodySize)
        aliases = snapshot.aliases.filter { targets[$0.value] != nil }
        location = snapshot.location
    }

    /// The request in `body`, checked against the targets and the wall-clock time `now`
    /// (an `until` must lie after it). An empty body is an empty request.
    public func decode(_ body: some Collection<UInt8>, now: Date) -> Result<ControlRequest, ControlRequestError> {
        guard body.count <= maximumBodySize else { return .failure(.tooLarge(limit: maximumBodySize)) }
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return .success(ControlRequest())
        }
        let document: JSONValue
        do {
            document = try JSONDecoder().decode(JSONValue.self, from: Data(body))
        } catch {
            return .failure(.invalidJSON(Self.describe(error)))
        }
        guard case .object(let fields) = document else {
            return .failure(.invalidJSON("expected an object at the top level, got \(document.typeName)"))
        }
        var checker = Checker(decoder: self, now: now)
        let request = checker.request(fields)
        return checker.problems.isEmpty ? .success(request) : .failure(.invalid(checker.problems))
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .dataCorrupted(let context): return context.underlyingError.map { "\($0)" } ?? context.debugDescription
        default: return "\(error)"
        }
    }
}

/// Walks one document, collecting problems instead of stopping at the first.
private struct Checker {
    let decoder: ControlRequestDecoder
    let now: Date
    var problems: [ControlProblem] = []

    init(decoder: ControlRequestDecoder, now: Date) {
        self.decoder = decoder
        self.now = now
    }

    mutating func request(_ fields: [String: JSONValue]) -> ControlRequest {
        let defaultEnd = end(in: fields, at: "", allowed: true)
        var changes: [ModeChange] = []
        if let modes = fields["activateControlModes"], modes != .null {
            changes = self.changes(modes, at: "activateControlModes", defaultEnd: defaultEnd, endsAllowed: true)
        }
        var schedule: [ScheduleSlot]?
        if let slots = fields["schedule"], slots != .null {
            schedule = self.schedule(slots)
        }
        return ControlRequest(changes: changes, schedule: schedule)
    }

    private mutating func changes(
        _ value: JSONValue, at path: String, defaultEnd: RequestedEnd?, endsAllowed: Bool
    ) -> [ModeChange] {
        guard case .object(let entries) = value else {
            problem(path, "expected an object of targets, got \(value.typeName)")
            return []
        }
        var changes: [ModeChange] = []
        for key in entries.keys.sorted() {
            let entryPath = "\(path).\(key)"
            guard let (target, kind) = target(key, at: entryPath) else { continue }
            switch entries[key]! {
            case .null:
                changes.append(ModeChange(target: target, mode: nil))
            case .object(let fields):
                if let change = change(fields, target: target, kind: kind, at: entryPath, endsAllowed: endsAllowed) {
                    changes.append(
                        change.end == nil
                            ? ModeChange(
                                target: target, mode: change.mode, end: defaultEnd,
                                activeWhileCharging: change.activeWhileCharging) : change)
                }
            case let other:
                problem(entryPath, target: key, "expected a mode object or null, got \(other.typeName)")
            }
        }
        return changes
    }

    private mutating func target(_ key: String, at path: String) -> (Target, DeviceKind)? {
        let target = decoder.aliases[key] ?? Target(apiKey: key)
        guard let kind = decoder.targets[target] else {
            if decoder.uncontrollable.contains(key) {
                problem(path, target: key, "device '\(key)' is a meter and takes no modes")
            } else {
                let known = decoder.targets.keys.sorted().map(\.apiKey).joined(separator: ", ")
                problem(path, target: key, "unknown target '\(key)' (known: \(known.isEmpty ? "none" : known))")
            }
            return nil
        }
        if let allowed = decoder.allowedTargets, !allowed.contains(target) {
            problem(path, target: key, "target '\(key)' is not open to this source")
            return nil
        }
        return (target, kind)
    }

    private mutating func change(
        _ fields: [String: JSONValue], target: Target, kind: DeviceKind, at path: String, endsAllowed: Bool
    ) -> ModeChange? {
        let key = target.apiKey
        guard let nameValue = fields["mode"] else {
            problem(path, target: key, "missing field 'mode'")
            return nil
        }
        guard case .string(let name) = nameValue else {
            problem("\(path).mode", target: key, "expected a mode name, got \(nameValue.typeName)")
            return nil
        }
        guard let modeKind = Self.modeKind(named: name, for: kind) else {
            let names = kind.modes.map(\.name).joined(separator: ", ")
            problem(
                "\(path).mode", target: key,
                "unknown mode '\(name)' for \(kind.rawValue) target '\(key)' (modes: \(names))")
            return nil
        }
        var known: Set<String> = ["mode", "until", "duration", "while"]
        var fields = fields
        var untilName = "until"
        if modeKind.plansTowardEnd, let by = fields.removeValue(forKey: "by") {
            // `by` is the end the mode plans toward: the command's `until`.
            if fields["until"] != nil {
                problem(path, target: key, "give 'by' or 'until', not both")
            } else {
                fields["until"] = by
                untilName = "by"
            }
        }
        var parameters: [ModeParameter.Name: Double] = [:]
        var parameterOK = true
        for spec in modeKind.parameters {
            known.insert(spec.name.rawValue)
            switch fields[spec.name.rawValue] {
            case nil where spec.defaultValue != nil, .null? where spec.defaultValue != nil:
                break
            case nil, .null?:
                problem(
                    path, target: key, "mode \(name) needs '\(spec.name)' (\(spec.unit.rawValue), \(Self.range(spec)))")
                parameterOK = false
            case .bool(let on)? where spec.unit == .flag:
                parameters[spec.name] = on ? 1 : 0
            case .number(let value)?:
                if spec.range.contains(value) {
                    parameters[spec.name] = value
                } else {
                    problem(
                        "\(path).\(spec.name)", target: key,
                        "\(Self.number(value)) is outside \(Self.range(spec)) \(spec.unit.rawValue)")
                    parameterOK = false
                }
            case let other?:
                let expected = spec.unit == .flag ? "true or false" : "a number (\(spec.unit.rawValue))"
                problem("\(path).\(spec.name)", target: key, "expected \(expected), got \(other.typeName)")
                parameterOK = false
            }
        }
        for field in fields.keys.sorted() where !known.contains(field) {
            problem("\(path).\(field)", target: key, "unknown field '\(field)' for mode \(name)")
        }
        let end = self.end(in: fields, at: path, allowed: endsAllowed, target: key, untilName: untilName)
        var activeWhile: ChargepointSelection?
        if let condition = fields["while"], condition != .null {
            activeWhile = self.activeWhile(condition, at: "\(path).while", target: key)
            if activeWhile == nil { return nil }
        }
        guard parameterOK else { return nil }
        let mode: Mode
        do throws(CommandRejection) {
            mode = try Mode(kind: modeKind, parameters: parameters)
        } catch {
            problem(path, target: key, error.description)
            return nil
        }
        return ModeChange(target: target, mode: mode, end: end, activeWhileCharging: activeWhile)
    }

    /// `while: {charging: any | [ids]}`.
    private mutating func activeWhile(_ value: JSONValue, at path: String, target: String) -> ChargepointSelection? {
        guard case .object(let fields) = value, fields.count == 1, let charging = fields["charging"] else {
            problem(path, target: target, "expected {\"charging\": \"any\" or a list of chargepoint ids}")
            return nil
        }
        return chargepoints(charging, at: "\(path).charging", target: target)
    }

    /// `"any"` or a list of chargepoint ids.
    private mutating func chargepoints(_ value: JSONValue, at path: String, target: String?) -> ChargepointSelection? {
        switch value {
        case .string("any"): return .any
        case .array(let items):
            var ids: Set<DeviceID> = []
            for item in items {
                guard case .string(let id) = item else {
                    problem(path, target: target, "expected a chargepoint id, got \(item.typeName)")
                    return nil
                }
                guard decoder.targets[.device(DeviceID(id))] == .chargepoint else {
                    problem(path, target: target, "'\(id)' is not a chargepoint of this site")
                    return nil
                }
                ids.insert(DeviceID(id))
            }
            guard !ids.isEmpty else {
                problem(path, target: target, "expected \"any\" or at least one chargepoint id")
                return nil
            }
            return .only(ids)
        default:
            problem(path, target: target, "expected \"any\" or a list of chargepoint ids, got \(value.typeName)")
            return nil
        }
    }

    /// `{idle: {chargepoints: any | [ids], for: seconds}}`.
    private mutating func idle(_ value: JSONValue, at path: String, target: String?) -> IdleCondition? {
        guard case .object(let fields) = value, fields.count == 1, case .object(let idle)? = fields["idle"] else {
            problem(path, target: target, "expected a time or {\"idle\": {\"chargepoints\": …, \"for\": seconds}}")
            return nil
        }
        for field in idle.keys.sorted() where !["chargepoints", "for"].contains(field) {
            problem("\(path).idle.\(field)", target: target, "unknown field '\(field)' in an idle condition")
        }
        let chargepoints = chargepoints(
            idle["chargepoints"] ?? .string("any"), at: "\(path).idle.chargepoints", target: target)
        guard let time = idle["for"] else {
            problem("\(path).idle", target: target, "missing field 'for' (seconds)")
            return nil
        }
        guard let duration = duration(time, at: "\(path).idle.for", target: target), let chargepoints else {
            return nil
        }
        return IdleCondition(chargepoints: chargepoints, duration: duration)
    }

    /// `until` or `duration` in `fields`, if any (never both); problems with `until` name it
    /// `untilName` (`by` where the request wrote that).
    private mutating func end(
        in fields: [String: JSONValue], at path: String, allowed: Bool, target: String? = nil,
        untilName: String = "until"
    ) -> RequestedEnd? {
        let prefix = path.isEmpty ? "" : "\(path)."
        let until = fields["until"].flatMap { $0 == .null ? nil : $0 }
        let duration = fields["duration"].flatMap { $0 == .null ? nil : $0 }
        if !allowed, until != nil || duration != nil {
            problem(path, target: target, "a mode in a schedule slot ends with its slot: drop 'until' and 'duration'")
            return nil
        }
        if until != nil, duration != nil {
            problem(path, target: target, "give '\(untilName)' or 'duration', not both")
            return nil
        }
        if let until, case .object = until {
            return idle(until, at: "\(prefix)\(untilName)", target: target).map(RequestedEnd.idle)
        }
        if case .string(let name)? = until, let event = SiteLocation.SunEvent(rawValue: name) {
            guard let location = decoder.location else {
                problem(
                    "\(prefix)\(untilName)", target: target,
                    "'\(name)' needs the site's location (location: in the site file)"
                )
                return nil
            }
            guard let date = location.next(event, after: now) else {
                problem(
                    "\(prefix)\(untilName)", target: target,
                    "the sun does not \(event == .sunrise ? "rise" : "set") here within a week")
                return nil
            }
            return .until(date)
        }
        if let until {
            guard let date = date(until, at: "\(prefix)\(untilName)", target: target) else { return nil }
            guard date > now else {
                problem(
                    "\(prefix)\(untilName)", target: target,
                    "\(Self.iso(date)) is not in the future (now \(Self.iso(now)))")
                return nil
            }
            return .until(date)
        }
        if let duration {
            return self.duration(duration, at: "\(prefix)duration", target: target).map(RequestedEnd.duration)
        }
        return nil
    }

    private mutating func schedule(_ value: JSONValue) -> [ScheduleSlot]? {
        guard case .array(let entries) = value else {
            problem("schedule", "expected a list of slots, got \(value.typeName)")
            return nil
        }
        guard entries.count <= ControlRequestDecoder.maximumScheduleSlots else {
            problem(
                "schedule", "\(entries.count) slots; at most \(ControlRequestDecoder.maximumScheduleSlots) are taken")
            return nil
        }
        var slots: [ScheduleSlot] = []
        for (index, entry) in entries.enumerated() {
            let path = "schedule[\(index)]"
            guard case .object(let fields) = entry else {
                problem(path, "expected a slot object, got \(entry.typeName)")
                continue
            }
            if fields["startTimestamp"] != nil {
                if let slot = balancingSlot(fields, at: path) { slots.append(slot) }
                continue
            }
            for field in fields.keys.sorted()
            where !["start", "duration", "end", "activateControlModes"].contains(field) {
                problem("\(path).\(field)", "unknown field '\(field)' in a schedule slot")
            }
            let start = fields["start"].map { date($0, at: "\(path).start") } ?? missing(path, "start")
            let duration: Duration?
            switch (fields["duration"], fields["end"]) {
            case (let value?, nil): duration = self.duration(value, at: "\(path).duration")
            case (nil, let value?):
                let end = date(value, at: "\(path).end")
                if let start, let end, end <= start {
                    problem("\(path).end", "the slot must end after its start")
                }
                duration = start.flatMap { start in
                    end.flatMap { end in end > start ? .milliseconds(Int64(end.timeIntervalSince(start) * 1000)) : nil }
                }
            case (_?, _?):
                problem(path, "give 'duration' or 'end', not both")
                duration = nil
            case (nil, nil): duration = missing(path, "duration")
            }
            guard let modes = fields["activateControlModes"] else {
                problem(path, "missing field 'activateControlModes'")
                continue
            }
            let changes = self.changes(modes, at: "\(path).activateControlModes", defaultEnd: nil, endsAllowed: false)
            if let start, let duration {
                slots.append(ScheduleSlot(start: start, duration: duration, changes: changes))
            }
        }
        // Slots already over are dropped: a cloud may resend a whole day's plan.
        return slots.filter { $0.end > now }.sorted { $0.start < $1.start }
    }

    /// A slot of the OpenEMS Balancing Schedule form (`setGridConnSchedule`): from
    /// `startTimestamp` (Unix seconds) for `duration` seconds, GRID_SETPOINT at
    /// `activePowerSetPoint` W (+ import) on the ESS cluster.
    private mutating func balancingSlot(_ fields: [String: JSONValue], at path: String) -> ScheduleSlot? {
        for field in fields.keys.sorted()
        where !["startTimestamp", "duration", "activePowerSetPoint"].contains(field) {
            problem("\(path).\(field)", "unknown field '\(field)' in a Balancing Schedule slot")
        }
        var start: Date?
        switch fields["startTimestamp"] {
        case .number(let seconds)?: start = Date(timeIntervalSince1970: seconds)
        case let other?: problem("\(path).startTimestamp", "expected Unix seconds, got \(other.typeName)")
        case nil: break
        }
        let duration =
            fields["duration"].map { self.duration($0, at: "\(path).duration") } ?? missing(path, "duration")
        let spec = ModeParameter.power(.gridPower, signed: true)
        var power: Double?
        switch fields["activePowerSetPoint"] {
        case .number(let value)? where spec.range.contains(value): power = value
        case .number(let value)?:
            problem("\(path).activePowerSetPoint", "\(Self.number(value)) is outside \(Self.range(spec)) W")
        case let other?: problem("\(path).activePowerSetPoint", "expected a number (W), got \(other.typeName)")
        case nil: problem(path, "missing field 'activePowerSetPoint'")
        }
        guard target(Target.essKey, at: path) != nil, let start, let duration, let power else { return nil }
        let change = ModeChange(target: .essCluster, mode: .ess(.gridSetpoint(gridPower: power)))
        return ScheduleSlot(start: start, duration: duration, changes: [change])
    }

    private mutating func missing<T>(_ path: String, _ field: String) -> T? {
        problem(path, "missing field '\(field)'")
        return nil
    }

    private mutating func date(_ value: JSONValue, at path: String, target: String? = nil) -> Date? {
        guard case .string(let text) = value else {
            problem(path, target: target, "expected an ISO 8601 date-time string, got \(value.typeName)")
            return nil
        }
        guard let date = JSONCoding.parseDate(text) else {
            problem(
                path, target: target, "'\(text)' is not an ISO 8601 date-time with a zone, e.g. 2026-05-01T12:00:00Z")
            return nil
        }
        return date
    }

    private mutating func duration(_ value: JSONValue, at path: String, target: String? = nil) -> Duration? {
        guard case .number(let seconds) = value else {
            problem(path, target: target, "expected a number of seconds, got \(value.typeName)")
            return nil
        }
        let limit = ControlRequestDecoder.maximumDuration
        guard seconds > 0, seconds <= limit.seconds else {
            problem(path, target: target, "\(seconds) s is outside (0, \(Int(limit.seconds))] s")
            return nil
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    private mutating func problem(_ path: String, target: String? = nil, _ reason: String) {
        problems.append(ControlProblem(path: path, target: target, reason: reason))
    }

    private static func modeKind(named name: String, for kind: DeviceKind) -> ModeKind? {
        ModeKind(rawValue: name).flatMap { $0.deviceKind == kind ? $0 : nil }
    }

    private static func range(_ spec: ModeParameter) -> String {
        "\(number(spec.range.lowerBound))...\(number(spec.range.upperBound))"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    private static func iso(_ date: Date) -> String { date.formatted(.iso8601) }
}
