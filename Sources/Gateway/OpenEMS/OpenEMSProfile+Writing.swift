import Control
import Modbus
import Synchronization
import Vocabulary

extension OpenEMSProfile {
    /// A record whose words have all arrived, with the number they hold.
    struct WrittenValue {
        var entry: OpenEMSTable.Entry
        var value: Double
    }

    /// Applies a write whole or not at all. Every word must belong to a writable record
    /// (else 0x02; OpenEMS ignores such writes silently, busbar says so, docs/design.md §4), and FC6
    /// may not split a 2-word record (0x02, as OpenEMS). Words of a record the write does not
    /// complete wait for the rest. A NaN or infinite value, or a set-point the control core
    /// refuses, is answered with 0x03 and leaves everything, half-written words included, as
    /// it was.
    func write(address: Int, values: [UInt16], single: Bool, snapshot: GatewaySnapshot) -> ModbusResponse {
        writes.withLock { state in
            var pending = state.pending
            var complete: [WrittenValue] = []
            var cursor = address
            while cursor < address + values.count {
                guard let index = table.entryIndex(at: cursor) else { return .exception(.illegalDataAddress) }
                let entry = table.entries[index]
                guard entry.access.isWritable, !(single && entry.type.words > 1) else {
                    return .exception(.illegalDataAddress)
                }
                var buffer = pending[index] ?? [UInt16?](repeating: nil, count: entry.type.words)
                let covered = cursor..<min(entry.span.upperBound, address + values.count)
                for word in covered { buffer[word - entry.address] = values[word - address] }
                let words = buffer.compactMap { $0 }
                if words.count == buffer.count {
                    pending[index] = nil
                    guard let value = entry.type.decode(words), value.isFinite else {
                        return .exception(.illegalDataValue)
                    }
                    complete.append(WrittenValue(entry: entry, value: value))
                } else {
                    pending[index] = buffer
                }
                cursor = covered.upperBound
            }
            let commands: [Command]
            let built = Result { () throws(CommandRejection) in try self.commands(for: complete, snapshot: snapshot) }
            switch built {
            case .success(let built): commands = built
            case .failure(let rejection): return .exception(Self.exception(for: rejection))
            }
            for command in commands {
                if case .failure(let rejection) = sink.submit(command) {
                    return .exception(Self.exception(for: rejection))
                }
            }
            state.pending = pending
            state.lastWrite = sink.now()
            sink.refresh(Self.source)
            return .written
        }
    }

    /// The commands that complete values ask for. The control core holds one command per
    /// source and target, so the ESS set-points of one request collapse into one command:
    /// SetActivePowerEquals before LessOrEquals before GreaterOrEquals. Reactive set-points are
    /// accepted (an Edge2Edge master always sends one) and change nothing: busbar does not
    /// control reactive power.
    func commands(for values: [WrittenValue], snapshot: GatewaySnapshot) throws(CommandRejection) -> [Command] {
        let now = sink.now()
        var commands: [Command] = []
        let precedence: [OpenEMSChannel] = [
            .setActivePowerEquals, .setActivePowerLessOrEquals, .setActivePowerGreaterOrEquals,
        ]
        let ess = values.compactMap { written -> (Int, Double)? in
            guard case .channel(let channel) = written.entry.role, let rank = precedence.firstIndex(of: channel) else {
                return nil
            }
            return (rank, written.value)
        }.min { $0.0 < $1.0 }
        if let (rank, value) = ess {
            let mode = Self.essMode(precedence[rank], watts: value.rounded(.towardZero))
            try mode.validate()
            commands.append(.ess(mode, from: Self.source, on: .essCluster, at: now))
        }
        for written in values where written.entry.role == .channel(.setChargePowerLimit) {
            guard let index = written.entry.componentIndex,
                case .evcs(let device) = table.layout.components[index].kind
            else { continue }
            let phases = OpenEMSRendering.phases(of: snapshot.device(device))
            let mode: ChargepointMode =
                written.value <= 0
                ? .zero : .limit(current: written.value / (nominalPhaseVoltage * phases))
            try mode.validate()
            commands.append(.chargepoint(mode, from: Self.source, on: .device(DeviceID(device)), at: now))
        }
        return commands
    }

    /// The ESS mode of an OpenEMS set-point in W (positive = discharge). OpenEMS truncates the
    /// float to an integer, and so does busbar. "P ≤ 0" is NO_DISCHARGE and "P ≥ −X"
    /// LIMIT_CHARGE(X); a bound beyond 0 ("P ≤ −X", "P ≥ X") forces at least that much, which
    /// the nearest mode, FORCE_CHARGE/FORCE_DISCHARGE(X), meets exactly.
    static func essMode(_ channel: OpenEMSChannel, watts: Watts) -> EssMode {
        switch channel {
        case .setActivePowerLessOrEquals:
            if watts == 0 { return .noDischarge }
            return watts > 0 ? .limitDischarge(maxDischargePower: watts) : .forceCharge(power: -watts)
        case .setActivePowerGreaterOrEquals:
            if watts == 0 { return .noCharge }
            return watts < 0 ? .limitCharge(maxChargePower: -watts) : .forceDischarge(power: watts)
        default:
            // SET_POWER(0) holds the cluster at 0 W: an idle OpenEMS master writes 0 every cycle.
            return .setPower(watts)
        }
    }

    /// The Modbus answer to a refused command (CommandRejection's contract: 0x02 or 0x03).
    static func exception(for rejection: CommandRejection) -> ExceptionCode {
        switch rejection {
        case .unknownDevice, .modeNotForTarget: .illegalDataAddress
        case .unknownSource, .parameterMissing, .parameterOutOfRange, .endNotInFuture,
            .scheduleTooLong, .slotEmpty, .slotsOverlap, .scheduleOfOtherSource, .scheduleTwice:
            .illegalDataValue
        }
    }
}
