import Modbus

/// One SunSpec information model as its definition lays it out: the model id, and every point
/// from the ID and L words on, in order. Offsets follow from the order; the length in L is the
/// points' registers less the two header words. The definitions are busbar's own transcription
/// of the SunSpec models it serves (checked against pysunspec2's JSON definitions in the tests).
public struct SunSpecModel: Sendable, Hashable {
    /// One point of a model.
    public struct Point: Sendable, Hashable {
        public var name: String
        public var type: SunSpecType
        /// The scale-factor point the value is scaled by (`W_SF` for `W`), if any.
        public var scaleFactor: String?
        public var unit: String
        /// Whether the definition lets a master write it.
        public var writable: Bool

        public init(_ name: String, _ type: SunSpecType, sf: String? = nil, unit: String = "", writable: Bool = false) {
            self.name = name
            self.type = type
            self.scaleFactor = sf
            self.unit = unit
            self.writable = writable
        }

        public var count: Int { type.valueType.registerCount }
    }

    public var id: Int
    /// The model's name, e.g. `storage` for model 124; it prefixes the field names.
    public var name: String
    /// The SunSpec title, e.g. "Basic Storage Controls".
    public var title: String
    /// Every point, ID and L first.
    public var points: [Point]

    init(id: Int, name: String, title: String, points: [Point]) {
        self.id = id
        self.name = name
        self.title = title
        self.points = [Point("ID", .uint16), Point("L", .uint16)] + points
    }

    /// The value of L: the registers after the header.
    public var length: Int { points.reduce(0) { $0 + $1.count } - 2 }

    /// The offset of every point from the ID word, in order.
    public var offsets: [Int] {
        var offset = 0
        return points.map { point in
            defer { offset += point.count }
            return offset
        }
    }

    /// The points `name`, `name`phA, `name`phB and `name`phC (a total and its three phases).
    static func phases(
        _ name: String, _ type: SunSpecType, sf: String?, unit: String, suffixes: [String] = ["phA", "phB", "phC"]
    ) -> [Point] {
        ([""] + suffixes).map { Point(name + $0, type, sf: sf, unit: unit) }
    }
}
