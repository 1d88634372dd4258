import Modbus
import SiteConfig
import Synchronization

/// The register image of one simulated device, laid out from its map's points and served over
/// Modbus on every unit id the map uses (a Victron's 100 and 227).
///
/// It answers like the product: an address no point occupies gets exception 0x02; a write must
/// cover whole writable points (0x02 on a read-only or unknown register, 0x03 on part of a
/// 32-bit value); a write-only set-point reads back as its "not available" value (SMA). Every
/// accepted write is noted for the simulation, which reacts to it at its next step.
final class DeviceRegisters: ModbusRequestHandler, Sendable {
    private struct Layout: Sendable {
        var bank: RegisterBank
        var points: [Point]
    }

    private struct Activity {
        var written: Set<String> = []
        var silent = false
    }

    let deviceUnit: Int
    /// The SunSpec marker, model headers and end marker of a SunSpec map, set at power-on.
    private let sunspecStructure: [(address: Int, words: [UInt16])]
    private let layouts: [Int: Layout]
    private let pointsByName: [String: Point]
    private let activity = Mutex(Activity())

    init(map: DeviceMap, unit deviceUnit: Int) {
        self.deviceUnit = deviceUnit
        var layouts: [Int: Layout] = [:]
        for unit in map.units(device: deviceUnit) {
            let points = map.points.filter { $0.unit(device: deviceUnit) == unit }
            var ranges: [RegisterTable: [Range<Int>]] = [:]
            for table in RegisterTable.allCases {
                var spans = points.filter { $0.table == table }.map(\.range)
                if table == .holding, unit == deviceUnit, let structure = Self.sunspecRange(of: map) {
                    spans.append(structure)
                }
                ranges[table] = Self.merged(spans)
            }
            layouts[unit] = Layout(bank: RegisterBank(ranges: ranges), points: points)
        }
        self.layouts = layouts
        self.sunspecStructure = Self.sunspecStructure(of: map)
        pointsByName = Dictionary(map.points.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Adjacent and overlapping ranges joined, so that one read may span neighbouring points
    /// (the bank serves a request only from within one range).
    static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// The unit ids this device answers on.
    var units: [Int] { layouts.keys.sorted() }

    /// While silent the device answers every request with 0x0B, as a gateway does for a unit
    /// behind it that stopped answering.
    var isSilent: Bool {
        get { activity.withLock { $0.silent } }
        set { activity.withLock { $0.silent = newValue } }
    }

    /// Every register 0 (a SunSpec map's structure set) and no write pending, as the device is
    /// before its initial values.
    func clear() {
        for layout in layouts.values {
            layout.bank.update { words in
                for table in words.keys { words[table] = [UInt16](repeating: 0, count: ModbusLimits.addressSpace) }
            }
        }
        if let bank = layouts[deviceUnit]?.bank {
            for (address, words) in sunspecStructure { bank.set(.holding, address: address, to: words) }
        }
        activity.withLock { $0.written = [] }
    }

    /// The points written by a master since the last call.
    func takeWrites() -> Set<String> {
        activity.withLock { activity in
            defer { activity.written = [] }
            return activity.written
        }
    }

    // MARK: - Values, for the simulation

    private func location(of name: String) -> (Point, RegisterBank)? {
        guard let point = pointsByName[name], let layout = layouts[point.unit(device: deviceUnit)] else { return nil }
        return (point, layout.bank)
    }

    private func codec(of point: Point) -> RegisterCodec {
        guard let register = point.scaleRegister, let sf = value(of: register) else { return point.codec }
        return point.codec(scaleFactor: Int(sf))
    }

    /// The engineering value of a numeric point, with its scale-factor register if it has one.
    func value(of name: String) -> Double? {
        guard let (point, bank) = location(of: name) else { return nil }
        return try? codec(of: point).engineeringValue(bank.get(point.table, address: point.address, count: point.count))
    }

    /// The text of a string point.
    func text(of name: String) -> String? {
        guard let (point, bank) = location(of: name),
            case .string(let text)? = try? point.codec.decode(
                bank.get(point.table, address: point.address, count: point.count))
        else { return nil }
        return text
    }

    /// Every numeric point's value, by name.
    func values() -> [String: Double] {
        var values: [String: Double] = [:]
        for (name, point) in pointsByName where !point.valueType.isText {
            if let value = value(of: name) { values[name] = value }
        }
        return values
    }

    /// Stores an engineering value as the device would; a value its registers cannot hold is
    /// clamped into the type's range. Returns whether the point exists and took it.
    @discardableResult
    func set(_ name: String, to value: Double) -> Bool {
        guard let (point, bank) = location(of: name), !point.valueType.isText, value.isFinite else { return false }
        let codec = codec(of: point)
        let words: [UInt16]
        if let exact = try? codec.encode(engineering: value) {
            words = exact
        } else if let clamped = try? codec.encode(engineering: clamp(value, codec)) {
            words = clamped
        } else {
            return false
        }
        bank.set(point.table, address: point.address, to: words)
        return true
    }

    /// Stores text in a string point.
    @discardableResult
    func set(_ name: String, text: String) -> Bool {
        guard let (point, bank) = location(of: name), let words = try? point.codec.encode(.string(text)) else {
            return false
        }
        bank.set(point.table, address: point.address, to: words)
        return true
    }

    func set(_ name: String, to preset: PresetValue) {
        switch preset {
        case .number(let value): set(name, to: value)
        case .text(let text): set(name, text: text)
        }
    }

    /// The nearest value an integer register can hold, rounded inwards.
    private func clamp(_ value: Double, _ codec: RegisterCodec) -> Double {
        let raw =
            codec.valueType.knownRange.map { max($0.lowerBound, -1e18)...min($0.upperBound, 1e18) } ?? -1e30...1e30
        let ends = [raw.lowerBound, raw.upperBound].map { $0 * codec.scale + codec.offset }
        return min(max(value, ends.min()!), ends.max()!)
    }

    // MARK: - Modbus

    func handle(_ request: ModbusRequest, unit: UInt8) -> ModbusResponse {
        if isSilent { return .exception(.gatewayTargetFailedToRespond) }
        guard let layout = layouts[Int(unit)] else { return .exception(.gatewayPathUnavailable) }
        let span = request.address..<(request.address + request.count)
        let touched = layout.points.filter { $0.table == request.table && $0.range.overlaps(span) }
        if request.isWrite {
            if let refusal = Self.refusal(of: span, touching: touched) { return .exception(refusal) }
            let response = layout.bank.handle(request, unit: unit)
            if case .written = response {
                activity.withLock { $0.written.formUnion(touched.map(\.name)) }
            }
            return response
        }
        let response = layout.bank.handle(request, unit: unit)
        guard case .registers(var words) = response else { return response }
        // Write-only set-points read as "not available", as on an SMA.
        for point in touched where !point.access.isReadable {
            let sentinel =
                point.notAvailable.first.flatMap { try? point.codec.encode($0) }
                ?? Array(repeating: 0, count: point.count)
            for (index, address) in point.range.enumerated() where span.contains(address) {
                words[address - request.address] = sentinel[index]
            }
        }
        return .registers(words)
    }

    /// Why a write over `span` is refused, if it is: every register must belong to a writable
    /// point, and every point it touches must be written whole.
    private static func refusal(of span: Range<Int>, touching points: [Point]) -> ExceptionCode? {
        for address in span where !points.contains(where: { $0.range.contains(address) && $0.access.isWritable }) {
            return .illegalDataAddress
        }
        if points.contains(where: { $0.range.lowerBound < span.lowerBound || $0.range.upperBound > span.upperBound }) {
            return .illegalDataValue
        }
        return nil
    }
}

extension ValueType {
    var isText: Bool {
        if case .string = self { return true }
        return false
    }
}
