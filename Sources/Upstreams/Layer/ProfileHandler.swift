public import Control
public import GatewayState
public import Modbus
import Synchronization

/// Serves any ``RegisterProfile`` to Modbus masters: the one request handler of every upstream
/// profile. Reads (FC3 and FC4 read the same table) slice the image of the latest snapshot;
/// writes (FC6, FC16) go through the ``WriteAssembler`` and the profile's `interpret`, under
/// one lock, so concurrent masters never see half a write and a refused write changes nothing.
public final class ProfileHandler<Profile: RegisterProfile>: ModbusRequestHandler {
    public let profile: Profile
    /// The unit id served; others get the policy's `otherUnit` exception.
    public let unit: UInt8
    private let snapshot: @Sendable () -> GatewaySnapshot?
    private let sink: any CommandSink
    private let held: Mutex<Held>
    private let image = Mutex<(at: ControlInstant, state: Profile.State, image: RegisterImage)?>(nil)

    /// What writes leave behind between requests. Kept per handler, not per connection: a
    /// master may send the two words of a float from two connections.
    private struct Held {
        var state: Profile.State
        var assembler = WriteAssembler<Profile.Point>()
    }

    /// - Parameters:
    ///   - snapshot: the gateway's latest state; called once per request.
    ///   - sink: where commands, refreshes and releases go.
    public init(
        _ profile: Profile, unit: UInt8, snapshot: @escaping @Sendable () -> GatewaySnapshot?, sink: any CommandSink
    ) {
        self.profile = profile
        self.unit = unit
        self.snapshot = snapshot
        self.sink = sink
        self.held = Mutex(Held(state: profile.initialState))
    }

    public var maxReadRegisters: Int {
        let policy = profile.policy
        return policy.longReadException == nil
            ? policy.maxReadRegisters : min(policy.maxReadRegisters + 1, ModbusLimits.maxExtendedReadRegisters)
    }

    /// What the profile holds now (staged values, the last write's instant).
    public var state: Profile.State { held.withLock { $0.state } }

    public func handle(_ request: ModbusRequest, unit: UInt8) -> ModbusResponse {
        let policy = profile.policy
        guard unit == self.unit else { return .exception(policy.otherUnit) }
        tick()
        let snapshot = snapshot()
        if policy.busyUntilDecided, snapshot?.decision == nil { return .exception(.serverDeviceBusy) }
        guard let snapshot else { return .exception(.serverDeviceBusy) }
        switch request {
        case .readHoldingRegisters(let address, let count), .readInputRegisters(let address, let count):
            return read(address: address, count: count, snapshot: snapshot)
        case .readCoils(_, let count), .readDiscreteInputs(_, let count):
            return policy.bitReadsAsZero ? .bits([Bool](repeating: false, count: count)) : .exception(.illegalFunction)
        case .writeSingleRegister(let address, let value):
            return write(address: address, values: [value], single: true, snapshot: snapshot)
        case .writeMultipleRegisters(let address, let values):
            return write(address: address, values: values, single: false, snapshot: snapshot)
        case .writeSingleCoil, .writeMultipleCoils:
            return .exception(.illegalFunction)
        }
    }

    /// Lets the profile end what timed out (an API timeout); called on every request, and by a
    /// runtime that wants the end on time while no master talks.
    public func tick() {
        let now = sink.now()
        held.withLock { held in
            guard let expired = profile.expire(held.state, now: now, sink: sink) else { return }
            held.state = expired
            held.assembler = WriteAssembler()
        }
    }

    // MARK: - Reads

    private func read(address: Int, count: Int, snapshot: GatewaySnapshot) -> ModbusResponse {
        let policy = profile.policy
        let table = profile.table
        let range = address..<address + count
        guard address >= 0, count > 0,
            policy.readsPastEnd || (range.lowerBound >= table.start && range.upperBound <= table.end)
        else {
            return .exception(.illegalDataAddress)
        }
        if count > policy.maxReadRegisters, let code = policy.longReadException { return .exception(code) }
        let state = self.state
        let rendered = image.withLock { image in
            if let cached = image, cached.at == snapshot.at, cached.state == state { return cached.image }
            let rendered = RegisterImage(profile, snapshot: snapshot, state: state)
            image = (snapshot.at, state, rendered)
            return rendered
        }
        var words = rendered.slice(range, gap: policy.gapWord)
        if !policy.servesCutFields {
            for edge in [range.lowerBound, range.upperBound - 1] {
                guard let field = table.field(at: edge),
                    field.address < range.lowerBound || field.addresses.upperBound > range.upperBound
                else { continue }
                for word in field.addresses.clamped(to: range) { words[word - range.lowerBound] = policy.gapWord }
            }
        }
        return .registers(words)
    }

    // MARK: - Writes

    private func write(address: Int, values: [UInt16], single: Bool, snapshot: GatewaySnapshot) -> ModbusResponse {
        held.withLock { held in
            do throws(ProfileRefusal) {
                let (writes, assembler) = try held.assembler.assemble(
                    address: address, values: values, single: single, table: profile.table, policy: profile.policy)
                let state = try profile.interpret(writes, state: held.state, snapshot: snapshot, sink: sink)
                held.assembler = assembler
                held.state = state
                return .written
            } catch {
                return .exception(error.code)
            }
        }
    }
}
