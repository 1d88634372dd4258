import Modbus
import SiteConfig
import Testing
import Vocabulary

/// What the keys of a point mean once decoded.
struct DeviceMapDecodingTests {
    static func decode(_ points: String, extra: String = "") throws -> DeviceMap {
        let yaml = "kind: meter\nname: t\npoints:\n\(points)\n\(extra)"
        let (map, diagnostics) = DeviceMapLoader.decode(yaml: yaml, file: "t.yaml")
        #expect(diagnostics.filter(\.isError).isEmpty, "\(diagnostics)")
        return try #require(map)
    }

    @Test func defaultsAreHoldingInt16BigEndianReadOnly() throws {
        let point = try #require(try Self.decode("  p: {address: 7}").point(named: "p"))
        #expect(point == Point(name: "p", table: .holding, address: 7, valueType: .int16))
        #expect(point.notAvailable == [.int(-32768)])
    }

    @Test func evccLowWordFirstSuffixAndHomeAssistantSwapBothGiveTheWordOrder() throws {
        let map = try Self.decode(
            """
              a: {address: 0, encoding: uint32s}
              b: {address: 2, encoding: uint32, swap: word}
              c: {address: 4, encoding: float32, swap: word_byte}
            """)
        #expect(map.point(named: "a")?.order == .cdab)
        #expect(map.point(named: "b")?.order == .cdab)
        #expect(map.point(named: "c")?.order == .dcba)
    }

    @Test func coilsDefaultToBoolAndStringsTakeTheirCount() throws {
        let map = try Self.decode(
            """
              enable: {address: 400, type: coil, access: rw}
              model: {address: 10, encoding: string, count: 8}
            """)
        #expect(map.point(named: "enable")?.valueType == .bool)
        #expect(map.point(named: "model")?.valueType == .string(registers: 8))
    }

    @Test func nanSentinelsCanBeGivenOrSwitchedOff() throws {
        let map = try Self.decode(
            """
              a: {address: 0, encoding: int16, nan: [0x7FFF, 0x8000]}
              b: {address: 1, encoding: uint16, nan: false}
            """)
        #expect(map.point(named: "a")?.notAvailable == [.int(32767), .int(-32768)])
        #expect(map.point(named: "b")?.notAvailable == [])
    }

    @Test func scaleRegistersAndEnumValuesAreKept() throws {
        let map = try Self.decode(
            """
              w_sf: {address: 10, encoding: int16}
              w: {address: 11, encoding: uint16, scale_register: w_sf, unit: W}
              mode: {address: 12, encoding: uint16, values: {802: active, 803: inactive}}
            """)
        let power = try #require(map.point(named: "w"))
        #expect(power.scaleRegister == "w_sf")
        #expect(try power.codec(scaleFactor: -1).engineeringValue([1234]) == 123.4)
        #expect(map.point(named: "mode")?.values == [802: "active", 803: "inactive"])
    }

    @Test func aComputedPointIsWorkedOutFromThePointsRead() throws {
        let map = try Self.decode(
            """
              status: {address: 100, encoding: uint16}
              plugged: {value: "if(status < 0x42, 0, status < 0x45)"}
              active_power: {address: 101, encoding: int16, unit: W}
            """)
        #expect(map.point(named: "plugged") == nil)
        #expect(map.points.map(\.name) == ["status", "active_power"])
        #expect(map.computed.map(\.name) == ["plugged"])
        #expect(map.addingComputedPoints(to: ["status": 0x41])["plugged"] == 0)
        #expect(map.addingComputedPoints(to: ["status": 0x43])["plugged"] == 1)
        #expect(map.addingComputedPoints(to: ["status": 0x46])["plugged"] == 0)
        #expect(map.addingComputedPoints(to: [:])["plugged"] == nil)
    }

    @Test func aScaleRegisterMustNameAnInt16Point() {
        let yaml =
            "kind: meter\nname: t\npoints:\n  w: {address: 11, scale_register: w_sff}\n  w_sf: {address: 30, encoding: uint32}\n  x: {address: 20, scale_register: w_sf}\n"
        let messages = DeviceMapLoader.decode(yaml: yaml, file: "t.yaml").diagnostics.map {
            "\($0.line):\($0.column): \($0.message)"
        }
        #expect(
            messages == [
                #"4:36: scale_register: found unknown point "w_sff"; did you mean "w_sf"?"#,
                #"6:36: scale_register: found point "w_sf" of uint32, expected an int16 point without a scale_register of its own (for "x")"#,
            ])
    }

    @Test func declaredBlocksThatHoldNoPointAreWarnedAbout() throws {
        let yaml = "kind: meter\nname: t\nblocks: [{address: 900, count: 10}]\npoints:\n  p: {address: 7}\n"
        let (map, diagnostics) = DeviceMapLoader.decode(yaml: yaml, file: "t.yaml")
        #expect(map != nil)
        #expect(
            diagnostics.map(\.description) == [
                "t.yaml:3:10: warning: found a block on holding registers 900…909 that holds no point; it is never read"
            ])
    }
}
