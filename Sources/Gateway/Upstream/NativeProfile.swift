public import Control
public import Modbus
import Synchronization
import Vocabulary

/// busbar's native upstream profile (docs/design.md §4): serves a ``NativeRegisterMap`` to a master
/// EMS and turns its writes into commands.
///
/// - Unit id: only the configured one is served; any other gets exception 0x0A (gateway path
///   unavailable), as a gateway answers for a unit it has no path to.
/// - Reads: FC3 and FC4 serve the same table, rendered from one snapshot per request. Reserved
///   addresses inside the table read as 0; a read past the table's end gets 0x02.
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
public final class NativeProfile: ModbusRequestHandler {
    public let map: NativeRegisterMap
    public let unit: UInt8
    /// The source the master's commands come from; it must be a configured source.
    public let source: SourceID
    private let snapshot: @Sendable () -> GatewaySnapshot
    private let sink: any CommandSink
    /// What the master wrote to the control registers; the lock also serializes writes from
    /// several connections, so staged values and submitted commands always agree.
    private let staged = Mutex(NativeStagedControl())
    /// The whole table rendered from the latest snapshot and staged control values: reads slice
    /// it, so a snapshot is rendered once however many masters read it.
    private let image = Mutex<(at: ControlInstant, control: NativeStagedControl, words: [UInt16])?>(nil)

    /// - Parameters:
    ///   - map: the register map, usually `NativeRegisterMap(site: loadedSite)`.
    ///   - unit: the unit id to answer (the site's `upstream` entry; 1 by default).
    ///   - source: the source id the master's commands carry, e.g. `"ems"`.
    ///   - snapshot: the gateway's latest state; called once per read request.
    ///   - sink: where commands, refreshes and releases go.
    public init(
        map: NativeRegisterMap, unit: UInt8 = 1, source: SourceID, snapshot: @escaping @Sendable () -> GatewaySnapshot,
        sink: any CommandSink
    ) {
        self.map = map
        self.unit = unit
        self.source = source
        self.snapshot = snapshot
        self.sink = sink
    }

    public func handle(_ request: ModbusRequest, unit: UInt8) -> ModbusResponse {
        guard unit == self.unit else { return .exception(.gatewayPathUnavailable) }
        switch request {
        case .readHoldingRegisters(let address, let count), .readInputRegisters(let address, let count):
            return read(address: address, count: count)
        case .writeSingleRegister(let address, let value):
            return write(address: address, values: [value])
        case .writeMultipleRegisters(let address, let values):
            return write(address: address, values: values)
        case .readCoils, .readDiscreteInputs, .writeSingleCoil, .writeMultipleCoils:
            return .exception(.illegalFunction)
        }
    }

    // MARK: - Reads

    private func read(address: Int, count: Int) -> ModbusResponse {
        guard address >= 0, count > 0, address + count <= map.end else { return .exception(.illegalDataAddress) }
        let state = snapshot()
        let control = staged.withLock { $0 }
        let words = image.withLock { image in
            if let cached = image, cached.at == state.at, cached.control == control { return cached.words }
            let rendered = render(state, control: control)
            image = (state.at, control, rendered)
            return rendered
        }
        return .registers(Array(words[address..<address + count]))
    }

    /// Every register of the table from one snapshot; reserved gaps read 0.
    private func render(_ state: GatewaySnapshot, control: NativeStagedControl) -> [UInt16] {
        let renderer = NativeRenderer(snapshot: state, control: control, source: source, map: map)
        var words = [UInt16](repeating: 0, count: map.end)
        for register in map.registers {
            words.replaceSubrange(register.addresses, with: renderer.words(for: register))
        }
        return words
    }

    // MARK: - Writes

    private func write(address: Int, values: [UInt16]) -> ModbusResponse {
        let decoded: [(NativeRegister, Double)]
        do {
            decoded = try decode(address: address, values: values)
        } catch {
            return .exception(error.code)
        }
        return staged.withLock { staged in
            var next = staged
            for (register, value) in decoded { next.set(register.point, to: value) }
            let groups = decoded.compactMap { register, _ -> NativeControlGroup? in
                if case .control(let group, .mode) = register.point { return group }
                return nil
            }
            // Blocks are separated by reserved addresses, so one write holds one mode at most.
            guard groups.count <= 1 else { return .exception(.illegalDataAddress) }
            guard let group = groups.first else {
                staged = next
                sink.refresh(source)
                return .written
            }
            do throws(Refusal) {
                try apply(next.request(for: group), to: group)
                staged = next
                return .written
            } catch {
                return .exception(error.code)
            }
        }
    }

    /// Every point the write covers with its value, or the exception that refuses it whole.
    private func decode(address: Int, values: [UInt16]) throws(Refusal) -> [(NativeRegister, Double)] {
        let span = address..<address + values.count
        var covered: [NativeRegister] = []
        var cursor = address
        while cursor < span.upperBound {
            guard let register = map.register(at: cursor), register.access.isWritable else {
                throw Refusal(.illegalDataAddress)
            }
            covered.append(register)
            cursor = register.addresses.upperBound
        }
        var writes: [(NativeRegister, Double)] = []
        for register in covered {
            guard register.address >= span.lowerBound, register.addresses.upperBound <= span.upperBound else {
                throw Refusal(.illegalDataValue)  // half of a 32-bit value
            }
            let words = values[(register.address - address)..<(register.addresses.upperBound - address)]
            guard let value = register.number(from: words), register.accepts(value) else {
                throw Refusal(.illegalDataValue)
            }
            writes.append((register, value))
        }
        return writes
    }

    /// Hands a mode write to the sink: a command, or a release.
    private func apply(_ request: NativeStagedControl.Request, to group: NativeControlGroup) throws(Refusal) {
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
            throw Refusal(Self.exception(for: error))
        }
        let end: Command.End? = request.duration > 0 ? .after(.seconds(request.duration)) : nil
        let command = Command(source: source, target: group.target, mode: mode, issuedAt: sink.now(), end: end)
        if case .failure(let rejection) = sink.submit(command) {
            throw Refusal(Self.exception(for: rejection))
        }
    }

    /// A write refused with a Modbus exception.
    struct Refusal: Error {
        var code: ExceptionCode
        init(_ code: ExceptionCode) { self.code = code }
    }

    /// The exception for the control core's refusal.
    static func exception(for rejection: CommandRejection) -> ExceptionCode {
        switch rejection {
        case .unknownSource, .unknownDevice: .serverDeviceFailure
        case .modeNotForTarget, .parameterMissing, .parameterOutOfRange, .endNotInFuture,
            .scheduleTooLong, .slotEmpty, .slotsOverlap, .scheduleOfOtherSource, .scheduleTwice:
            .illegalDataValue
        }
    }
}
