import Foundation
import Modbus
public import SiteConfig
import Vocabulary

/// The site as one SunSpec device, as data: `SunS` at 40000, the common model, the models the
/// site's devices fill (battery base 802 and storage controls 124 for the batteries, meter 203
/// for the grid meter, inverter 103 for the PV), and the end marker. Every point of each model
/// definition is a field at its offset; the scale factors are fixed per site, chosen from the
/// ratings so that the largest value fits its register.
public struct SunSpecTable: Sendable {
    /// What one field stands for.
    public struct Point: Sendable, Hashable {
        /// The model id; 0 for the `SunS` marker, 0xFFFF for the end marker.
        public var model: Int
        /// The SunSpec point name (`W`, `W_SF`, `ID`, …).
        public var name: String
        public var type: SunSpecType
        /// The exponent the value is scaled by (the value of the point's scale factor), if any.
        public var exponent: Int?
        /// The words of a point fixed by the layout: marker, model header, scale factors.
        public var fixed: FieldValue?
    }

    public typealias Field = RegisterField<Point>

    /// Where a model sits.
    public struct Placement: Sendable, Hashable {
        public var model: SunSpecModel
        /// The address of its ID word.
        public var address: Int
    }

    /// The SunSpec base address: `SunS` there, the first model two words later.
    public static let base = 40000
    /// "SunS" in two registers.
    public static let marker: [UInt16] = [0x5375, 0x6E53]
    /// The end marker's model id; its length is 0.
    public static let endID = 0xFFFF

    public let placements: [Placement]
    /// The scale-factor exponents, by model id and scale-factor point name; a scale factor
    /// missing here reads as not implemented (0x8000).
    public let exponents: [Int: [String: Int]]
    /// The batteries' rated power, W: model 124's WChaMax, the reference of InWRte and OutWRte.
    public let ratedStoragePower: Double?
    public let fields: ProfileTable<Point>

    public init(site: Site, maps: [String: DeviceMap]) {
        func devices(_ kind: DeviceKind) -> [DeviceConfig] { site.devices.filter { maps[$0.mapPath]?.kind == kind } }
        func total(_ devices: [DeviceConfig], _ rating: (DeviceRatings) -> Double?) -> Double? {
            let values = devices.compactMap { rating($0.ratings) }
            return values.isEmpty ? nil : values.reduce(0, +)
        }
        let batteries = devices(.battery)
        let storagePower = total(batteries) { $0.maxPower }
        let capacity = total(batteries) { $0.capacity }
        let pvPower = total(devices(.pv)) { $0.maxPower }
        let sitePower = total(site.devices) { ratings in
            ratings.maxPower ?? ratings.maxCurrent.map { $0 * nominalPhaseVoltage * Double(ratings.phases ?? 3) }
        }
        var models: [SunSpecModel] = [.common]
        var exponents: [Int: [String: Int]] = [:]
        if !batteries.isEmpty {
            models += [.battery, .storage]
            exponents[SunSpecModel.battery.id] = [
                "AHRtg_SF": 0, "WHRtg_SF": Self.exponent(capacity, fitting: 65534),
                "WChaDisChaMax_SF": Self.exponent(storagePower, fitting: 65534), "SoC_SF": -1, "V_SF": 0,
                "CellV_SF": 0, "A_SF": 0, "AMax_SF": 0, "W_SF": Self.exponent(storagePower, fitting: 32767),
            ]
            exponents[SunSpecModel.storage.id] = [
                "WChaMax_SF": Self.exponent(storagePower, fitting: 65534), "WChaDisChaGra_SF": 0, "ChaState_SF": -1,
                "InOutWRte_SF": SunSpecControls.rateExponent,
            ]
        }
        if !devices(.meter).isEmpty {
            models.append(.meter)
            exponents[SunSpecModel.meter.id] = [
                "A_SF": 0, "V_SF": 0, "Hz_SF": 0, "W_SF": Self.exponent(sitePower, fitting: 32767), "TotWh_SF": 0,
            ]
        }
        if !devices(.pv).isEmpty {
            models.append(.inverter)
            exponents[SunSpecModel.inverter.id] = [
                "A_SF": 0, "V_SF": 0, "W_SF": Self.exponent(pvPower, fitting: 32767), "Hz_SF": 0, "WH_SF": 0,
                "Tmp_SF": 0,
            ]
        }
        var placements: [Placement] = []
        var address = Self.base + Self.marker.count
        for model in models {
            placements.append(Placement(model: model, address: address))
            address += model.length + 2
        }
        self.placements = placements
        self.exponents = exponents
        self.ratedStoragePower = storagePower
        self.fields = ProfileTable(Self.fields(placements, exponents: exponents, end: address))
    }

    /// Where model `id` starts, if the site has it.
    public func address(ofModel id: Int) -> Int? { placements.first { $0.model.id == id }?.address }

    /// The field of point `name` in model `id`.
    public func field(_ name: String, inModel id: Int) -> Field? {
        fields.fields.first { $0.point.model == id && $0.point.name == name }
    }

    /// The smallest exponent ≥ 0 at which `value` fits below `limit`.
    static func exponent(_ value: Double?, fitting limit: Double) -> Int {
        guard let value, value.isFinite, value > limit else { return 0 }
        return Int((log10(value / limit)).rounded(.up))
    }

    private static func fields(_ placements: [Placement], exponents: [Int: [String: Int]], end: Int) -> [Field] {
        var fields = [
            Field(
                name: "SunS", address: base, type: .uint32, encoding: "string", access: .read,
                description: "The SunSpec marker, \"SunS\".", group: "marker",
                point: Point(model: 0, name: "SunS", type: .uint32, fixed: .words(marker)))
        ]
        for placement in placements {
            let model = placement.model
            let scales = exponents[model.id] ?? [:]
            for (point, offset) in zip(model.points, model.offsets) {
                let fixed: FieldValue? =
                    switch point.name {
                    case "ID": .number(Double(model.id))
                    case "L": .number(Double(model.length))
                    default: point.type == .sunssf ? scales[point.name].map { .number(Double($0)) } : nil
                    }
                let writable = point.writable && SunSpecControls.written.contains(point.name) && model == .storage
                fields.append(
                    Field(
                        name: "\(model.name).\(point.name)", address: placement.address + offset,
                        type: point.type.valueType, encoding: point.type.name, access: writable ? .readWrite : .read,
                        unit: point.unit, description: SunSpecRendering.meaning(model.id, point.name),
                        values: SunSpecControls.values[point.name], range: SunSpecControls.ranges[point.name],
                        group: "\(model.id)",
                        point: Point(
                            model: model.id, name: point.name, type: point.type,
                            exponent: point.scaleFactor.flatMap { scales[$0] }, fixed: fixed)))
            }
        }
        for (name, value) in [("ID", endID), ("L", 0)] {
            fields.append(
                Field(
                    name: "end.\(name)", address: end + (name == "ID" ? 0 : 1), type: .uint16, access: .read,
                    description: name == "ID" ? "The end marker, 0xFFFF." : "The end marker's length, 0.",
                    group: "end", point: Point(model: endID, name: name, type: .uint16, fixed: .words([UInt16(value)])))
            )
        }
        return fields
    }
}
