import Foundation
import Hummingbird
import NIOCore

/// JSON bodies for the local API, in the one dialect of `JSONCoding`.
enum JSONResponse {
    /// `value` as JSON with `status`.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        do {
            let data = try JSONCoding.encoder().encode(value)
            return Response(
                status: status, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        } catch {
            return Response(status: .internalServerError)
        }
    }

    /// `{"error": message, "rejectedControlModes": [...]}` with `status`.
    static func error(
        status: HTTPResponse.Status, message: String, rejected: [RejectedControlMode] = []
    ) -> Response {
        make(ErrorDocument(error: message, rejectedControlModes: rejected), status: status)
    }
}

/// The body of every 4xx answer.
public struct ErrorDocument: Codable, Sendable, Hashable {
    /// What went wrong, in one line.
    public var error: String
    /// Every reason a control request was refused; empty for other errors.
    package var rejectedControlModes: [RejectedControlMode]

    public init(error: String, rejectedControlModes: [RejectedControlMode] = []) {
        self.error = error
        self.rejectedControlModes = rejectedControlModes
    }
}
