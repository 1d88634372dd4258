public import Control
public import Modbus
import Synchronization

/// busbar as a slave OpenEMS Edge: the register table of OpenEMS's Modbus/TCP API
/// (`Controller.Api.ModbusTcp.ReadWrite`), so that a stock OpenEMS master's `Edge2Edge.Ess`
/// with `remoteAccessMode: READ_WRITE` discovers and controls the site's ESS cluster
/// (docs/openems.md).
///
/// Reads render one `GatewaySnapshot` into the table; FC3 and FC4 read the same table. Writes
/// (FC16, and FC6 for one-word records) become commands of the source `openems`:
/// SetActivePowerEquals is SET_POWER, LessOrEquals and GreaterOrEquals are limits, and a
/// chargepoint's SetChargePowerLimit is a current LIMIT. A 2-word value is applied once both
/// words arrived, in one request or two; a write that cannot be applied whole changes nothing.
///
/// The apiTimeout: one timer restarted by any accepted write; when it runs out, everything the
/// source `openems` holds is released. The control core's watchdog for `openems` does the same
/// on its own (configure it to the same timeout; both default to 60 s); the profile checks its
/// timer on every request and on `tick()`.
public final class OpenEMSProfile: ModbusRequestHandler, Sendable {
    /// The command source of every write.
    public static let source = SourceID(GatewaySources.openems)

    /// The table, built once from the layout.
    public let table: OpenEMSTable
    /// The unit id served (OpenEMS serves 1 only); others get exception 0x02, as from OpenEMS.
    public let unit: UInt8
    /// `nil` or zero disables the profile's own timer (OpenEMS: `apiTimeout: 0`).
    public let apiTimeout: Duration?

    private let snapshot: @Sendable () -> GatewaySnapshot?
    let sink: any CommandSink
    let writes = Mutex(WriteState())

    /// What writes leave behind between requests: the halves of multi-word records and the
    /// instant of the last accepted write. Kept per table, not per connection, as OpenEMS keeps
    /// the buffer in the record itself: a master may send the two words of a float from two
    /// connections.
    struct WriteState {
        /// Words written so far, by entry index, for records not yet complete.
        var pending: [Int: [UInt16?]] = [:]
        var lastWrite: ControlInstant?
    }

    /// - Parameters:
    ///   - layout: the components to show (`OpenEMSProfile.layout(for:maps:)`).
    ///   - unit: the unit id to answer.
    ///   - apiTimeout: how long the values written stay without another write.
    ///   - snapshot: the gateway's latest state; `nil`, or a snapshot without a decision, while
    ///     the gateway is starting: requests are then answered with 0x06 (busy), never with a
    ///     wrong register 0, which an OpenEMS master would take as a permanent fault.
    ///   - sink: where commands go.
    public init(
        layout: OpenEMSLayout, unit: UInt8 = 1, apiTimeout: Duration? = .seconds(60),
        snapshot: @escaping @Sendable () -> GatewaySnapshot?, sink: any CommandSink
    ) {
        self.table = OpenEMSTable(layout: layout)
        self.unit = unit
        self.apiTimeout = apiTimeout
        self.snapshot = snapshot
        self.sink = sink
    }

    /// OpenEMS's Edge2Edge groups its reads up to 126 registers (j2mod serves them).
    public var maxReadRegisters: Int { 126 }

    public func handle(_ request: ModbusRequest, unit: UInt8) -> ModbusResponse {
        guard unit == self.unit else { return .exception(.illegalDataAddress) }
        tick()
        guard let snapshot = snapshot(), snapshot.decision != nil else { return .exception(.serverDeviceBusy) }
        switch request {
        case .readHoldingRegisters(let address, let count), .readInputRegisters(let address, let count):
            return read(address: address, count: count, snapshot: snapshot)
        case .readCoils(_, let count), .readDiscreteInputs(_, let count):
            // OpenEMS answers bit reads with `false` rather than an exception.
            return .bits([Bool](repeating: false, count: count))
        case .writeSingleRegister(let address, let value):
            return write(address: address, values: [value], single: true, snapshot: snapshot)
        case .writeMultipleRegisters(let address, let values):
            return write(address: address, values: values, single: false, snapshot: snapshot)
        case .writeSingleCoil, .writeMultipleCoils:
            return .exception(.illegalFunction)
        }
    }

    /// Ends the apiTimeout when it ran out: releases what the source `openems` holds and drops
    /// half-written values. Called on every request; a runtime that wants the release on time
    /// while no master talks calls it about once a second (the control core's watchdog for
    /// `openems` covers that case on its own).
    public func tick() {
        guard let apiTimeout, apiTimeout > .zero else { return }
        let now = sink.now()
        writes.withLock { state in
            guard let last = state.lastWrite, now >= last + apiTimeout else { return }
            state.lastWrite = nil
            state.pending = [:]
            sink.release(Self.source, target: nil)
        }
    }

    /// Renders `count` registers from `address`. Words no record covers read 0xFFFF, as in
    /// OpenEMS; a single register nobody defines, or a range that ends inside a multi-word
    /// record, is refused with 0x02, also as in OpenEMS.
    private func read(address: Int, count: Int, snapshot: GatewaySnapshot) -> ModbusResponse {
        let range = address..<address + count
        if count == 1, table.entry(at: address) == nil { return .exception(.illegalDataAddress) }
        if let last = table.entry(at: range.upperBound - 1), last.span.upperBound > range.upperBound {
            return .exception(.illegalDataAddress)
        }
        let rendering = OpenEMSRendering(snapshot: snapshot, layout: table.layout)
        var words = [UInt16](repeating: 0xFFFF, count: count)
        var cursor = address
        while cursor < range.upperBound {
            guard let index = table.entryIndex(at: cursor) else {
                cursor += 1
                continue
            }
            let entry = table.entries[index]
            let rendered = entry.fixed ?? rendering.registers(for: entry)
            for word in max(entry.address, address)..<min(entry.span.upperBound, range.upperBound) {
                words[word - address] = rendered[word - entry.address]
            }
            cursor = entry.span.upperBound
        }
        return .registers(words)
    }
}
