public import Modbus
public import SiteConfig

/// Walks a SunSpec device's model chain as a SunSpec master does: the `SunS` marker at the
/// first base address that holds it (40000, 0, 50000), then each model's ID and L from base + 2
/// until the end marker. Two short reads per model, once at connect.
public struct SunSpecDiscovery: Sendable {
    /// What the walk found.
    public struct Found: Sendable, Hashable {
        /// The base address holding `SunS`.
        public var base: Int
        /// The address of each model's ID word, by id (the first one where a model repeats).
        public var models: [Int: Int]
        /// The model ids in chain order.
        public var chain: [Int]
    }

    /// The models the map needs.
    public let required: SunSpecChain
    /// More models than any device chains: a chain that does not end is broken.
    static let maxModels = 100

    public init(_ required: SunSpecChain) {
        self.required = required
    }

    static let operation = "discover the SunSpec models"

    /// - Throws: the read's error when the device does not answer; an invalid response when no
    ///   base holds `SunS`, the chain runs off the register space, or a required model is
    ///   missing (the device then stays offline with that reason).
    @available(*, noasync)
    public func walk(unit: UInt8, client: ModbusClient) throws(ModbusError) -> Found {
        for base in SunSpecChain.bases {
            let marker: [UInt16]
            do {
                marker = try client.read(.holding, unit: unit, address: base, count: SunSpecChain.marker.count)
            } catch  where error.exceptionCode != nil {
                continue  // nothing at this base: try the next
            }
            guard marker == SunSpecChain.marker else { continue }
            let found = try models(from: base, unit: unit, client: client)
            let missing = required.models.filter { found.models[$0] == nil }
            guard missing.isEmpty else {
                let chain = found.chain.map(String.init).joined(separator: ", ")
                throw ModbusError(
                    .invalidResponse(
                        "SunSpec model \(missing.map(String.init).joined(separator: ", ")) not in the device's chain "
                            + "(found \(chain.isEmpty ? "no models" : chain)); expected the models the map lists"),
                    operation: Self.operation, unit: unit, address: base)
            }
            return found
        }
        throw ModbusError(
            .invalidResponse("no \"SunS\" marker at 40000, 0 or 50000; expected a SunSpec device"),
            operation: Self.operation, unit: unit)
    }

    @available(*, noasync)
    private func models(from base: Int, unit: UInt8, client: ModbusClient) throws(ModbusError) -> Found {
        var found = Found(base: base, models: [:], chain: [])
        var address = base + SunSpecChain.marker.count
        for _ in 0..<Self.maxModels {
            guard address + 1 < ModbusLimits.addressSpace else { break }
            // The ID alone first: some devices do not serve the end marker's length.
            let id = Int(try client.read(.holding, unit: unit, address: address, count: 1)[0])
            if id == SunSpecChain.endID { return found }
            let length = Int(try client.read(.holding, unit: unit, address: address + 1, count: 1)[0])
            if found.models[id] == nil { found.models[id] = address }
            found.chain.append(id)
            address += length + 2
        }
        throw ModbusError(
            .invalidResponse(
                "the SunSpec model chain does not reach its end marker; expected 0xFFFF after the last model"),
            operation: Self.operation, unit: unit, address: address)
    }
}
