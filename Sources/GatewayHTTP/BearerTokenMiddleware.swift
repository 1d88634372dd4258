import Foundation
import Hummingbird

/// Answers 401 unless the request carries `Authorization: Bearer <token>`, or HTTP basic
/// credentials with the token as password and any user name, as OpenEMS's REST clients send
/// them (evcc: user `x`; OpenEMS's `RestHandler` also takes a password alone). The comparison
/// takes the same time wherever the tokens differ.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let given = request.headers[.authorization] ?? ""
        guard
            Self.matches(given, "Bearer \(token)")
                || (Self.basicPassword(given).map { Self.matches($0, token) } ?? false)
        else {
            var response = JSONResponse.error(
                status: .unauthorized,
                message: given.isEmpty ? "missing bearer token" : "wrong bearer token")
            response.headers[.wwwAuthenticate] = "Bearer realm=\"busbar\""
            return response
        }
        return try await next(request, context)
    }

    /// The password of `Basic <base64(user:password)>`, trimmed as OpenEMS trims it; `nil` for
    /// anything else.
    static func basicPassword(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let credentials = String(data: data, encoding: .utf8), let colon = credentials.firstIndex(of: ":")
        else { return nil }
        return credentials[credentials.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    static func matches(_ given: String, _ expected: String) -> Bool {
        let lhs = Array(given.utf8)
        let rhs = Array(expected.utf8)
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in rhs.indices {
            difference |= rhs[index] ^ (index < lhs.count ? lhs[index] : 0)
        }
        return difference == 0
    }
}
