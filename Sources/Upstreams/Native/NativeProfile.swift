public import Control
import Foundation
public import GatewayState
public import Modbus
import Vocabulary

/// busbar's native upstream profile (docs/design.md §4): a ``NativeRegisterMap`` served by the
/// shared ``ProfileHandler``, which turns a master's writes into commands.
///
/// - Unit id: only the configured one is served; any other gets exception 0x0A (gateway path
///   unavailable), as a gateway answers for a unit it has no path to.
/// - Reads: FC3 and FC4 serve the same table, rendered from one snapshot. Reserved addresses
///   inside the table read as 0; a read past the table's end gets 0x02.
/// - Writes (FC6, FC16): only to writable points, whole values only. An address that is
///   reserved, read-only or past the end gets 0x02; half of a 32-bit value, a value outside the
///   point's range or an unknown mode gets 0x03. The whole request is checked before anything
///   happens, so a refused write changes nothing: no staged register, no command, no watchdog.
/// - A mode takes effect when the write containing its mode register completes, with the
///   block's parameter and duration (those in the same write, else the ones staged by earlier
///   writes). A write of only a parameter or duration stages it for the next mode write and
///   changes nothing in force. Every accepted write refreshes the master's watchdog.
/// - AUTO is a command like any other mode (it overrides a non-AUTO fallback and expires with
///   the watchdog or its duration); RELEASE (255) ends what this master holds on the target,
///   which returns to its fallback.
/// - The control core's refusal of a command answers 0x03 (parameter missing or out of range,
///   mode not for the target, an end not in the future) or 0x04 (the gateway is misconfigured:
///   the profile's source or a device unknown to the core).
/// - FC1, FC2, FC5 and FC15 get 0x01: the map has no coils or discrete inputs.
public typealias NativeProfile = ProfileHandler<NativeRegisterProfile>

extension ProfileHandler where Profile == NativeRegisterProfile {
    /// - Parameters:
    ///   - map: the register map, usually `NativeRegisterMap(site: loadedSite)`.
    ///   - unit: the unit id to answer (the site's `upstream` entry; 1 by default).
    ///   - source: the source id the master's commands carry, e.g. `"ems"`.
    ///   - snapshot: the gateway's latest state; called once per request.
    ///   - sink: where commands, refreshes and releases go.
    public convenience init(
        map: NativeRegisterMap, unit: UInt8 = 1, source: SourceID, snapshot: @escaping @Sendable () -> GatewaySnapshot,
        sink: any CommandSink
    ) {
        self.init(NativeRegisterProfile(map: map, source: source), unit: unit, snapshot: { snapshot() }, sink: sink)
    }

    public var map: NativeRegisterMap { profile.map }
    public var source: SourceID { profile.source }
}

/// The native map as a ``RegisterProfile``: the table, what each point shows, what a write does.
public struct NativeRegisterProfile: RegisterProfile {
    public let map: NativeRegisterMap
    /// The source the master's commands come from; it must be a configured source.
    public let source: SourceID

    public init(map: NativeRegisterMap, source: SourceID) {
        self.map = map
        self.source = source
    }

    public var table: ProfileTable<NativePoint> { map.table }
    public var initialState: NativeStagedControl { NativeStagedControl() }

    public var policy: ProfilePolicy {
        ProfilePolicy(
            otherUnit: .gatewayPathUnavailable, busyUntilDecided: false, gapWord: 0, readsPastEnd: false,
            servesCutFields: true, bitReadsAsZero: false, partialWrite: .illegalDataValue,
            singleWriteToWideField: nil)
    }

    public func value(of field: NativeRegister, snapshot: GatewaySnapshot, state: NativeStagedControl) -> FieldValue? {
        NativeRenderer(snapshot: snapshot, control: state, source: source, map: map).value(for: field.point)
    }

    public func interpret(
        _ writes: [FieldWrite<NativePoint>], state: NativeStagedControl, snapshot: GatewaySnapshot,
        sink: any CommandSink
    ) throws(ProfileRefusal) -> NativeStagedControl {
        // The schedule table is staged per master connection.
        let client = ModbusRequestContext.client ?? ""
        var next = state
        for write in writes { next.set(write.field.point, to: write.value, by: client) }
        if writes.contains(where: { $0.field.point == .schedule(.slotIndex) }) {
            next.stageSlot(by: client)
        }
        if let commit = writes.first(where: { $0.field.point == .schedule(.commit) }) {
            try self.commit(generation: commit.value, by: client, of: &next, sink: sink)
        }
        let groups = writes.compactMap { write -> NativeControlGroup? in
            if case .control(let group, .mode) = write.field.point { return group }
            return nil
        }
        // Blocks are separated by reserved addresses, so one write holds one mode at most.
        guard groups.count <= 1 else { throw ProfileRefusal(.illegalDataAddress) }
        if let group = groups.first {
            try apply(next.request(for: group), to: group, sink: sink)
        } else {
            sink.refresh(source)
        }
        return next
    }

    /// Hands the slots the master at `client` staged to the sink as this profile's schedule on
    /// the target it named, when `generation` is the next one; then its staged slots are cleared.
    private func commit(
        generation: Double, by client: String, of state: inout NativeStagedControl, sink: any CommandSink
    ) throws(ProfileRefusal) {
        guard UInt16(generation) == state.generation &+ 1 else { throw ProfileRefusal(.illegalDataValue) }
        let staging = state.staging(of: client)
        let group =
            staging.scheduleTarget == 0
            ? NativeControlGroup(target: .essCluster, kind: .battery)
            : NativeControlGroup(target: .chargepointCluster, kind: .chargepoint)
        // Unix seconds onto the core's clock, through one pair of readings of both clocks. The
        // slots' whole seconds are added to one offset, so adjacent slots stay exactly adjacent
        // (a start computed as a fraction each would overlap its neighbour by a rounding).
        let (wall, control) = (Duration.seconds(Date().timeIntervalSince1970), sink.now())
        var slots: [Schedule.Slot] = []
        for index in 0..<Int(staging.slotCount) {
            guard let staged = staging.stagedSlots[index], staged.duration > 0,
                let kind = group.kind.modes.first(where: { $0.code == staged.mode }),
                let mode = try? Mode(kind: kind, parameter: staged.parameter)
            else { throw ProfileRefusal(.illegalDataValue) }
            let start = control + (.seconds(staged.start) - wall)
            slots.append(Schedule.Slot(start: start, duration: .seconds(staged.duration), mode: mode))
        }
        let schedule = Schedule(source: source, target: group.target, slots: slots)
        if case .failure(let rejection) = sink.replaceSchedules([schedule], of: source, scope: .namedTargets) {
            throw ProfileRefusal(rejection)
        }
        state.generation &+= 1
        state.clearStagedSlots(of: client)
    }

    /// Hands a mode write to the sink: a command, or a release.
    private func apply(
        _ request: NativeStagedControl.Request, to group: NativeControlGroup, sink: any CommandSink
    ) throws(ProfileRefusal) {
        if Int(request.mode) == NativeLayout.releaseCode {
            sink.release(source, target: group.target)
            sink.refresh(source)
            return
        }
        let mode: Mode
        do throws(CommandRejection) {
            guard let kind = group.kind.modes.first(where: { $0.code == request.mode }) else {
                throw .modeNotForTarget(mode: "\(request.mode)", target: group.target)
            }
            mode = try Mode(kind: kind, parameter: request.parameter)
        } catch {
            throw ProfileRefusal(error)
        }
        let end: Command.End? = request.duration > 0 ? .after(.seconds(request.duration)) : nil
        let command = Command(source: source, target: group.target, mode: mode, issuedAt: sink.now(), end: end)
        if case .failure(let rejection) = sink.submit(command) {
            throw ProfileRefusal(rejection)
        }
    }
}
