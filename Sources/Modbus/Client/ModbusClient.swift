/// A Modbus master connection (TCP or RTU) shared by every unit id behind one endpoint.
///
/// Calls block until the answer arrives or the timeout passes, so a client is owned by one
/// thread (or one serial executor) at a time; it is deliberately not `Sendable`. It connects on
/// first use and again after the connection was lost.
public final class ModbusClient {
    /// Response and byte timeouts; libmodbus defaults to 500 ms for both.
    public struct Timeouts: Sendable, Hashable {
        public var response: Duration
        public var byte: Duration

        public init(response: Duration = .milliseconds(500), byte: Duration = .milliseconds(500)) {
            self.response = response
            self.byte = byte
        }
    }

    private let context: ModbusContext

    public var endpoint: Endpoint { context.endpoint }
    public var isConnected: Bool { context.isConnected }

    /// Prepares a client; nothing is sent until `connect()` or the first request.
    public init(endpoint: Endpoint, timeouts: Timeouts = .init()) throws(ModbusError) {
        context = try ModbusContext(endpoint: endpoint)
        context.setTimeouts(response: timeouts.response, byte: timeouts.byte)
    }

    @available(*, noasync, message: "blocks; call from the thread that owns the connection")
    public func connect() throws(ModbusError) {
        try context.connect()
    }

    public func close() {
        context.close()
    }

    /// Reads registers (holding, input) as raw words, or bits (coil, discrete) as 0/1 words.
    /// Longer reads are split into requests within the protocol limit.
    @available(*, noasync, message: "blocks; call from the thread that owns the connection")
    public func read(_ table: RegisterTable, unit: UInt8, address: Int, count: Int) throws(ModbusError) -> [UInt16] {
        try validate(address: address, count: count, limit: nil, operation: table.readFunction, unit: unit)
        var result: [UInt16] = []
        result.reserveCapacity(count)
        var next = address
        while next < address + count {
            let chunk = min(table.maxReadCount, address + count - next)
            result += try context.read(table, unit: unit, address: next, count: chunk)
            next += chunk
        }
        return result
    }

    /// Reads bits of a coil or discrete-input table.
    @available(*, noasync, message: "blocks; call from the thread that owns the connection")
    package func readBits(_ table: RegisterTable, unit: UInt8, address: Int, count: Int) throws(ModbusError) -> [Bool] {
        try read(table, unit: unit, address: address, count: count).map { $0 != 0 }
    }

    /// FC6: one holding register.
    @available(*, noasync, message: "blocks; call from the thread that owns the connection")
    public func writeSingleRegister(unit: UInt8, address: Int, value: UInt16) throws(ModbusError) {
        try validate(address: address, count: 1, limit: 1, operation: .writeSingleRegister, unit: unit)
        try context.writeRegister(unit: unit, address: address, value: value)
    }

    /// FC16: consecutive holding registers in one request, applied whole by the server.
    @available(*, noasync, message: "blocks; call from the thread that owns the connection")
    public func writeMultipleRegisters(unit: UInt8, address: Int, values: [UInt16]) throws(ModbusError) {
        try validate(
            address: address, count: values.count, limit: ModbusLimits.maxWriteRegisters,
            operation: .writeMultipleRegisters, unit: unit)
        try context.writeRegisters(unit: unit, address: address, values: values)
    }

    /// FC5: one coil.
    @available(*, noasync, message: "blocks; call from the thread that owns the connection")
    public func writeSingleCoil(unit: UInt8, address: Int, value: Bool) throws(ModbusError) {
        try validate(address: address, count: 1, limit: 1, operation: .writeSingleCoil, unit: unit)
        try context.writeCoil(unit: unit, address: address, value: value)
    }

    /// FC15: consecutive coils.
    @available(*, noasync, message: "blocks; call from the thread that owns the connection")
    public func writeMultipleCoils(unit: UInt8, address: Int, values: [Bool]) throws(ModbusError) {
        try validate(
            address: address, count: values.count, limit: ModbusLimits.maxWriteBits,
            operation: .writeMultipleCoils, unit: unit)
        try context.writeCoils(unit: unit, address: address, values: values)
    }

    /// FC23: writes `values` at `writeAddress`, then reads `readCount` registers at `readAddress`.
    @available(*, noasync, message: "blocks; call from the thread that owns the connection")
    public func writeAndReadRegisters(
        unit: UInt8, writeAddress: Int, values: [UInt16], readAddress: Int, readCount: Int
    ) throws(ModbusError) -> [UInt16] {
        try validate(
            address: writeAddress, count: values.count, limit: ModbusLimits.maxReadWriteWriteRegisters,
            operation: .readWriteMultipleRegisters, unit: unit)
        try validate(
            address: readAddress, count: readCount, limit: ModbusLimits.maxReadRegisters,
            operation: .readWriteMultipleRegisters, unit: unit)
        return try context.writeAndRead(
            unit: unit, writeAddress: writeAddress, values: values, readAddress: readAddress, readCount: readCount)
    }

    /// Checks a request before it reaches libmodbus. On a serial line libmodbus refuses a unit
    /// outside 0…247 without saying so and keeps the unit it had: a write meant for 255 goes
    /// to the unit addressed before, and before any unit it aborts on an assertion. A broadcast
    /// (0) gets no answer, which libmodbus would wait for. So only ``Endpoint/deviceUnits`` pass.
    private func validate(
        address: Int, count: Int, limit: Int?, operation: FunctionCode, unit: UInt8
    ) throws(ModbusError) {
        func fail(_ detail: String) -> ModbusError {
            ModbusError(.invalidArgument(detail), operation: operation.description, unit: unit, address: address)
        }
        guard endpoint.deviceUnits.contains(unit) else {
            throw fail("unit \(unit) is not a device address; \(SerialLine.deviceUnitsRule)")
        }
        guard (0..<ModbusLimits.addressSpace).contains(address) else {
            throw fail("address \(address) is outside 0…65535")
        }
        guard count >= 1 else { throw fail("count \(count) must be at least 1") }
        if let limit, count > limit { throw fail("\(count) values exceed the protocol limit of \(limit)") }
        guard address + count <= ModbusLimits.addressSpace else {
            throw fail("\(count) values from address \(address) run past 65535")
        }
    }
}
