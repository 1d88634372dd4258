public import Control
public import GatewayState
public import Modbus

/// busbar as a SunSpec device (docs/sunspec.md): the ``SunSpecTable`` served by the shared
/// ``ProfileHandler``. Reads (FC3, FC4) from 40000 to the end marker; a read outside gets 0x02.
/// Writes of model 124's controls become commands of the source `sunspec`; a revert timeout
/// (InOutWRte_RvrtTms) ends them, and without one the source's watchdog does.
public typealias SunSpecProfile = ProfileHandler<SunSpecRegisterProfile>

extension ProfileHandler where Profile == SunSpecRegisterProfile {
    /// The command source of every write.
    public static var source: SourceID { SunSpecRegisterProfile.source }

    /// - Parameters:
    ///   - table: the site's table (`SunSpecTable(site:maps:)`).
    ///   - unit: the unit id to answer; others get 0x0A.
    ///   - snapshot: the gateway's latest state; requests get 0x06 (busy) while there is none.
    ///   - sink: where commands go.
    public convenience init(
        table: SunSpecTable, unit: UInt8 = 1, snapshot: @escaping @Sendable () -> GatewaySnapshot?,
        sink: any CommandSink
    ) {
        self.init(SunSpecRegisterProfile(sunspec: table, unit: unit), unit: unit, snapshot: snapshot, sink: sink)
    }

    public var table: SunSpecTable { profile.sunspec }
}

/// The SunSpec device as a ``RegisterProfile``.
public struct SunSpecRegisterProfile: RegisterProfile {
    public static let source = SourceID(GatewaySources.sunspec)

    public let sunspec: SunSpecTable
    public let unit: UInt8

    public init(sunspec: SunSpecTable, unit: UInt8) {
        self.sunspec = sunspec
        self.unit = unit
    }

    public var table: ProfileTable<SunSpecTable.Point> { sunspec.fields }
    public var initialState: SunSpecControls { .released }

    /// Reads of up to 125 registers anywhere between 40000 and the end marker (a read that cuts
    /// a 32-bit point gets its words); outside, 0x02. Whole values only for writes.
    public var policy: ProfilePolicy {
        ProfilePolicy(
            otherUnit: .gatewayPathUnavailable, busyUntilDecided: false, gapWord: 0xFFFF, readsPastEnd: false,
            servesCutFields: true, bitReadsAsZero: false, partialWrite: .illegalDataValue,
            singleWriteToWideField: nil)
    }

    public func value(
        of field: SunSpecTable.Field, snapshot: GatewaySnapshot, state: SunSpecControls
    ) -> FieldValue? {
        SunSpecRendering(snapshot: snapshot, controls: state, table: sunspec, unit: Int(unit)).value(for: field)
            ?? .words(field.point.type.unimplemented)
    }
}
