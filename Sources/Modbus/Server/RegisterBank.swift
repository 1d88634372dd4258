import Synchronization

/// An in-memory register image for one unit id, served through `ModbusRequestHandler`: the
/// tables of a simulated device or of a test peer. Only the declared ranges exist; a request that
/// touches anything else gets exception 0x02, as from a real device.
public final class RegisterBank: ModbusRequestHandler, Sendable {
    /// Called before a write is applied, with the request as decoded; returning an exception
    /// refuses the write whole. Runs under the bank's lock: it must not call back into the bank.
    public typealias WriteFilter = @Sendable (ModbusRequest) -> ExceptionCode?

    private struct Tables {
        var words: [RegisterTable: [UInt16]] = [:]
        var defined: [RegisterTable: [Range<Int>]] = [:]
        var writeCount = 0
    }

    private let tables: Mutex<Tables>
    private let writeFilter: WriteFilter?

    /// - Parameters:
    ///   - ranges: the addresses that exist, per table.
    ///   - writeFilter: an optional check that may refuse writes.
    public init(ranges: [RegisterTable: [Range<Int>]], writeFilter: WriteFilter? = nil) {
        var tables = Tables()
        for table in RegisterTable.allCases {
            tables.words[table] = [UInt16](repeating: 0, count: ModbusLimits.addressSpace)
            tables.defined[table] = ranges[table] ?? []
        }
        self.tables = Mutex(tables)
        self.writeFilter = writeFilter
    }

    /// How many writes the bank has accepted: lets a test see that nothing was written.
    package var writeCount: Int { tables.withLock { $0.writeCount } }

    /// Sets words (or bits as 0/1) directly, bypassing the protocol: the device's own updates.
    public func set(_ table: RegisterTable, address: Int, to values: [UInt16]) {
        tables.withLock { tables in
            tables.words[table]!.replaceSubrange(address..<address + values.count, with: values)
        }
    }

    /// Reads words (or bits as 0/1) directly.
    public func get(_ table: RegisterTable, address: Int, count: Int) -> [UInt16] {
        tables.withLock { Array($0.words[table]![address..<address + count]) }
    }

    /// Runs `body` on the words of all tables at once, atomically with respect to requests.
    public func update<T>(_ body: (inout [RegisterTable: [UInt16]]) throws -> T) rethrows -> T {
        try tables.withLock { try body(&$0.words) }
    }

    public func handle(_ request: ModbusRequest, unit: UInt8) -> ModbusResponse {
        tables.withLock { tables in
            let span = request.address..<request.address + request.count
            guard
                tables.defined[request.table]!.contains(where: {
                    $0.contains(span.lowerBound) && $0.upperBound >= span.upperBound
                })
            else { return .exception(.illegalDataAddress) }
            if request.isWrite, let refusal = writeFilter?(request) { return .exception(refusal) }
            switch request {
            case .readHoldingRegisters, .readInputRegisters:
                return .registers(Array(tables.words[request.table]![span]))
            case .readCoils, .readDiscreteInputs:
                return .bits(tables.words[request.table]![span].map { $0 != 0 })
            case .writeSingleRegister(let address, let value):
                tables.words[.holding]![address] = value
            case .writeMultipleRegisters(let address, let values):
                tables.words[.holding]!.replaceSubrange(address..<address + values.count, with: values)
            case .writeSingleCoil(let address, let value):
                tables.words[.coil]![address] = value ? 1 : 0
            case .writeMultipleCoils(let address, let values):
                tables.words[.coil]!.replaceSubrange(address..<address + values.count, with: values.map { $0 ? 1 : 0 })
            }
            tables.writeCount += 1
            return .written
        }
    }
}

/// Serves several unit ids behind one endpoint, as a Victron GX or a gateway does. Requests for
/// a unit id that is not served get exception 0x0A (gateway path unavailable).
public struct UnitRouter: ModbusRequestHandler {
    public let units: [UInt8: any ModbusRequestHandler]

    public init(units: [UInt8: any ModbusRequestHandler]) {
        self.units = units
    }

    public func handle(_ request: ModbusRequest, unit: UInt8) -> ModbusResponse {
        guard let handler = units[unit] else { return .exception(.gatewayPathUnavailable) }
        return handler.handle(request, unit: unit)
    }
}
