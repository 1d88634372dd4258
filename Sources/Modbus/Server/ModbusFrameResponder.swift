/// Answers one framed Modbus/TCP request: decodes and checks its PDU, refuses a reader's write
/// (0x01) and a write outside the writable registers (0x02), hands the request to the handler
/// and builds the reply ADU.
struct ModbusFrameResponder {
    /// The MBAP header: transaction id (2), protocol id (2), length (2: unit id and PDU), unit id.
    static let headerLength = 7

    let handler: any ModbusRequestHandler
    /// What the client may do: a reader's writes are answered 0x01, unhandled.
    let role: AccessPolicy.Role
    /// Which registers accept writes.
    let access: AccessPolicy
    let maxReadRegisters: Int
    /// Called for every write refused: for the role (`.write`) or the register (`.unwritable`).
    let onRefusedWrite: (ModbusTCPServer.Refusal.Kind) -> Void
    /// The master's address, bound as `ModbusRequestContext.client` while the handler runs.
    var client: String? = nil

    /// The reply to `frame` (a whole ADU, as the MBAP length framed it), or nil when the frame
    /// is not a request and is dropped unanswered (a function code of 0x80 or more).
    func reply(to frame: ArraySlice<UInt8>) -> [UInt8]? {
        let base = frame.startIndex
        let unit = frame[base + 6]
        let pdu = frame[(base + Self.headerLength)...]
        let reply: [UInt8]
        switch ModbusRequest.decode(pdu: pdu, maxReadRegisters: maxReadRegisters) {
        case .failure(.notARequest):
            return nil
        case .failure(.exception(let code)):
            reply = code.pdu(answering: pdu[pdu.startIndex])
        case .success(let request) where request.isWrite && role == .read:
            onRefusedWrite(.write)
            reply = ExceptionCode.illegalFunction.pdu(answering: request.functionCode.rawValue)
        case .success(let request) where request.isWrite && !access.permits(request):
            onRefusedWrite(.unwritable)
            reply = ExceptionCode.illegalDataAddress.pdu(answering: request.functionCode.rawValue)
        case .success(let request):
            // A response that does not fit the request is the handler's bug, told as such.
            let response = ModbusRequestContext.$client.withValue(client) { handler.handle(request, unit: unit) }
            reply =
                response.pdu(answering: request)
                ?? ExceptionCode.serverDeviceFailure.pdu(answering: request.functionCode.rawValue)
        }
        let length = reply.count + 1
        return [frame[base], frame[base + 1], 0, 0, UInt8(length >> 8), UInt8(length & 0xFF), unit] + reply
    }
}
