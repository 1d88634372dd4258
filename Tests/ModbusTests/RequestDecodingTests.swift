import Modbus
import Testing

/// The pure request decoder: what a handler may receive.
struct RequestDecodingTests {
    @Test func fc16ArrivesWhole() {
        let decoded = ModbusRequest.decode(pdu: [0x10, 0x02, 0xC2, 0, 2, 4, 0x41, 0x80, 0, 0])
        #expect(decoded == .success(.writeMultipleRegisters(address: 706, values: [0x4180, 0])))
    }

    @Test func fc15UnpacksBitsLeastSignificantFirst() {
        let decoded = ModbusRequest.decode(pdu: [0x0F, 0, 10, 0, 10, 2, 0b0000_0101, 0b10])
        let bits = [true, false, true, false, false, false, false, false, false, true]
        #expect(decoded == .success(.writeMultipleCoils(address: 10, values: bits)))
    }

    @Test func quantityIsCheckedBeforeAddress() {
        // Quantity 0 at an address past the end is a 0x03, not a 0x02 (libmodbus and spec order).
        #expect(ModbusRequest.decode(pdu: [0x03, 0xFF, 0xFF, 0, 0]) == .failure(.exception(.illegalDataValue)))
    }

    @Test func truncatedPduIsMalformed() {
        #expect(ModbusRequest.decode(pdu: [0x03, 0, 0, 0]) == .failure(.malformed))
        #expect(ModbusRequest.decode(pdu: [0x10, 0, 0, 0, 1, 2, 0]) == .failure(.malformed))
        #expect(ModbusRequest.decode(pdu: [UInt8]()) == .failure(.malformed))
    }

    @Test func everyByteStringDecodesOrFailsWithoutCrashing() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20000 {
            let length = Int.random(in: 0...20, using: &generator)
            let pdu = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if case .success(let request) = ModbusRequest.decode(pdu: pdu) {
                #expect(request.count >= 1)
                #expect(request.address + request.count <= ModbusLimits.addressSpace)
            }
        }
    }
}
