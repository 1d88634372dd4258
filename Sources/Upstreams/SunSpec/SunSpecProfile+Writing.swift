public import Control
public import GatewayState
import Modbus
import Vocabulary

extension SunSpecRegisterProfile {
    /// Applies the complete values of a write to model 124. A write of StorCtl_Mod, InWRte,
    /// OutWRte or InOutWRte_RvrtTms makes the limits in force one command of the source
    /// `sunspec` on the ESS cluster (or releases it, with no limit left); the other points are
    /// held and read back. Every accepted write refreshes the source's watchdog; a refused one
    /// changes nothing.
    public func interpret(
        _ writes: [FieldWrite<SunSpecTable.Point>], state: SunSpecControls, snapshot: GatewaySnapshot,
        sink: any CommandSink
    ) throws(ProfileRefusal) -> SunSpecControls {
        var next = state
        for write in writes { next.values[write.field.point.name] = write.value }
        if writes.contains(where: { SunSpecControls.commanding.contains($0.field.point.name) }) {
            let now = sink.now()
            if let mode = try mode(for: next) {
                let end = next.revertTimeout.map(Command.End.after)
                let command = Command.ess(mode, from: Self.source, on: .essCluster, at: now, end: end)
                if case .failure(let rejection) = sink.submit(command) { throw ProfileRefusal(rejection) }
                next.commandIssued = now
            } else if state.commandIssued != nil {
                sink.release(Self.source, target: .essCluster)
                next.commandIssued = nil
            }
        }
        sink.refresh(Self.source)
        return next
    }

    /// The ESS mode the limits in `controls` ask for; `nil` when they leave the whole rated
    /// range open. Limits that pin one power are SET_POWER; one bound beyond 0 forces at least
    /// that much (FORCE_CHARGE/FORCE_DISCHARGE); one bound at 0 is NO_CHARGE or NO_DISCHARGE,
    /// inside the range LIMIT_CHARGE or LIMIT_DISCHARGE. Two bounds inside the range around 0
    /// are not one mode and are refused with 0x03, as are crossed bounds.
    func mode(for controls: SunSpecControls) throws(ProfileRefusal) -> EssMode? {
        guard let rated = sunspec.ratedStoragePower, rated > 0 else { throw ProfileRefusal(.illegalDataValue) }
        let (lower, upper) = controls.bounds(ratedPower: rated)
        let chargeOpen = lower <= -rated
        let dischargeOpen = upper >= rated
        let mode: EssMode?
        if lower > upper {
            throw ProfileRefusal(.illegalDataValue)
        } else if lower == upper {
            mode = .setPower(lower.rounded())
        } else if lower > 0 {
            mode = .forceDischarge(power: lower.rounded())
        } else if upper < 0 {
            mode = .forceCharge(power: (-upper).rounded())
        } else if chargeOpen, dischargeOpen {
            mode = nil
        } else if chargeOpen {
            mode = upper == 0 ? .noDischarge : .limitDischarge(maxDischargePower: upper.rounded())
        } else if dischargeOpen {
            mode = lower == 0 ? .noCharge : .limitCharge(maxChargePower: (-lower).rounded())
        } else {
            throw ProfileRefusal(.illegalDataValue)
        }
        do throws(CommandRejection) {
            try mode?.validate()
        } catch {
            throw ProfileRefusal(error)
        }
        return mode
    }

    /// The revert timeout: once it has run out since the command was issued, the limits
    /// revert (StorCtl_Mod 0, rates 100 %) and the source's command on the cluster ends.
    public func expire(_ state: SunSpecControls, now: ControlInstant, sink: any CommandSink) -> SunSpecControls? {
        guard let issued = state.commandIssued, let timeout = state.revertTimeout, now >= issued + timeout else {
            return nil
        }
        sink.release(Self.source, target: .essCluster)
        var reverted = SunSpecControls.released
        reverted.values.merge(state.values.filter { !SunSpecControls.commanding.contains($0.key) }) { _, held in held }
        reverted.values["InOutWRte_RvrtTms"] = state.values["InOutWRte_RvrtTms"]
        return reverted
    }
}
