public import Control
public import GatewayState
public import Modbus
import Vocabulary

extension OpenEMSRegisterProfile {
    /// Applies the complete values of a write: a NaN or infinite value was refused by the
    /// assembler with 0x03; a set-point the control core refuses is answered with its
    /// exception and leaves everything, half-written words included, as it was. Every accepted
    /// write, a half-written value included, restarts the apiTimeout and refreshes the watchdog.
    public func interpret(
        _ writes: [FieldWrite<OpenEMSTable.Point>], state: State, snapshot: GatewaySnapshot, sink: any CommandSink
    ) throws(ProfileRefusal) -> State {
        let commands: [Command]
        do throws(CommandRejection) {
            commands = try self.commands(for: writes, snapshot: snapshot, now: sink.now())
        } catch {
            throw ProfileRefusal(Self.exception(for: error))
        }
        for command in commands {
            if case .failure(let rejection) = sink.submit(command) {
                throw ProfileRefusal(Self.exception(for: rejection))
            }
        }
        sink.refresh(Self.source)
        return State(lastWrite: sink.now())
    }

    /// The commands that complete values ask for. The control core holds one command per
    /// source and target, so the ESS set-points of one request collapse into one command:
    /// SetActivePowerEquals before LessOrEquals before GreaterOrEquals. Reactive set-points are
    /// accepted (an Edge2Edge master always sends one) and change nothing: busbar does not
    /// control reactive power. `source` is `openems` for Modbus writes and `openems-rest` for
    /// the REST API's.
    package func commands(
        for values: [FieldWrite<OpenEMSTable.Point>], snapshot: GatewaySnapshot, now: ControlInstant,
        from source: SourceID = Self.source
    ) throws(CommandRejection) -> [Command] {
        var commands: [Command] = []
        let precedence: [OpenEMSChannel] = [
            .setActivePowerEquals, .setActivePowerLessOrEquals, .setActivePowerGreaterOrEquals,
        ]
        let ess = values.compactMap { written -> (Int, Double)? in
            guard case .channel(let channel) = written.field.point.role, let rank = precedence.firstIndex(of: channel)
            else {
                return nil
            }
            return (rank, written.value)
        }.min { $0.0 < $1.0 }
        if let (rank, value) = ess {
            let mode = Self.essMode(precedence[rank], watts: value.rounded(.towardZero))
            try mode.validate()
            commands.append(.ess(mode, from: source, on: .essCluster, at: now))
        }
        for written in values where written.field.point.role == .channel(.setChargePowerLimit) {
            guard let index = written.field.point.componentIndex,
                case .evcs(let device) = openems.layout.components[index].kind
            else { continue }
            let phases = OpenEMSRendering.phases(of: snapshot.device(device))
            let mode: ChargepointMode =
                written.value <= 0
                ? .zero : .limit(current: written.value / (nominalPhaseVoltage * phases))
            try mode.validate()
            commands.append(.chargepoint(mode, from: source, on: .device(DeviceID(device)), at: now))
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
