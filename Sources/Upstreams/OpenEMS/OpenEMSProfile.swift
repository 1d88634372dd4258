public import Control
public import GatewayState
public import Modbus

/// busbar as a slave OpenEMS Edge: the register table of OpenEMS's Modbus/TCP API
/// (`Controller.Api.ModbusTcp.ReadWrite`), so that a stock OpenEMS master's `Edge2Edge.Ess`
/// with `remoteAccessMode: READ_WRITE` discovers and controls the site's ESS cluster
/// (docs/openems.md), served by the shared ``ProfileHandler``.
///
/// Reads render one `GatewaySnapshot` into the table; FC3 and FC4 read the same table. Writes
/// (FC16, and FC6 for one-word records) become commands of the source `openems`:
/// SetActivePowerEquals is SET_POWER, LessOrEquals and GreaterOrEquals are limits, and a
/// chargepoint's SetChargePowerLimit is a current LIMIT. A 2-word value is applied once both
/// words arrived, in one request or two; a write that cannot be applied whole changes nothing.
///
/// The apiTimeout: one timer restarted by any accepted write; when it runs out, everything the
/// source `openems` holds is released. The control core's watchdog for `openems` does the same
/// on its own (configure it to the same timeout; both default to 60 s); the handler checks the
/// timer on every request and on `tick()`.
public typealias OpenEMSProfile = ProfileHandler<OpenEMSRegisterProfile>

extension ProfileHandler where Profile == OpenEMSRegisterProfile {
    /// The command source of every write.
    public static var source: SourceID { OpenEMSRegisterProfile.source }

    /// - Parameters:
    ///   - layout: the components to show (`OpenEMSProfile.layout(for:maps:)`).
    ///   - unit: the unit id to answer (OpenEMS serves 1 only).
    ///   - apiTimeout: how long the values written stay without another write; `nil` or zero
    ///     disables the timer (OpenEMS: `apiTimeout: 0`).
    ///   - snapshot: the gateway's latest state; `nil`, or a snapshot without a decision, while
    ///     the gateway is starting: requests are then answered with 0x06 (busy), never with a
    ///     wrong register 0, which an OpenEMS master would take as a permanent fault.
    ///   - sink: where commands go.
    public convenience init(
        layout: OpenEMSLayout, unit: UInt8 = 1, apiTimeout: Duration? = .seconds(60),
        snapshot: @escaping @Sendable () -> GatewaySnapshot?, sink: any CommandSink
    ) {
        self.init(
            OpenEMSRegisterProfile(table: OpenEMSTable(layout: layout), apiTimeout: apiTimeout), unit: unit,
            snapshot: snapshot, sink: sink)
    }

    /// The table, built once from the layout.
    public var table: OpenEMSTable { profile.openems }
    public var apiTimeout: Duration? { profile.apiTimeout }
}

/// OpenEMS's Modbus/TCP API as a ``RegisterProfile``.
public struct OpenEMSRegisterProfile: RegisterProfile {
    /// The command source of every write.
    public static let source = SourceID(GatewaySources.openems)

    public let openems: OpenEMSTable
    public let apiTimeout: Duration?

    public init(table: OpenEMSTable, apiTimeout: Duration?) {
        self.openems = table
        self.apiTimeout = apiTimeout
    }

    /// The instant of the last accepted write, which the apiTimeout runs from.
    public struct State: Sendable, Hashable {
        public var lastWrite: ControlInstant?
    }

    public var table: ProfileTable<OpenEMSTable.Point> { openems.fields }
    public var initialState: State { State() }

    /// As OpenEMS's j2mod slave (OpenEMS/j2mod 3.2.2-openems, `MyProcessImage`): unit 1 only
    /// (others 0x02), busy until the table is complete, reads of up to 126 registers (more get
    /// 0x02) with gaps, padding and the words of records the read cuts as 0xFFFF, bit reads as
    /// `false`, the words of a 2-word value kept until both arrived, FC6 to a 2-word record
    /// refused with 0x02.
    public var policy: ProfilePolicy {
        ProfilePolicy(
            otherUnit: .illegalDataAddress, busyUntilDecided: true, maxReadRegisters: 126, gapWord: 0xFFFF,
            readsPastEnd: true, servesCutFields: false, longReadException: .illegalDataAddress, bitReadsAsZero: true,
            partialWrite: nil,
            singleWriteToWideField: .illegalDataAddress)
    }

    public func value(of field: OpenEMSTable.Entry, snapshot: GatewaySnapshot, state: State) -> FieldValue? {
        OpenEMSRendering(snapshot: snapshot, layout: openems.layout).value(for: field)
    }

    public func expire(_ state: State, now: ControlInstant, sink: any CommandSink) -> State? {
        guard let apiTimeout, apiTimeout > .zero, let last = state.lastWrite, now >= last + apiTimeout else {
            return nil
        }
        sink.release(Self.source, target: nil)
        return State()
    }
}
