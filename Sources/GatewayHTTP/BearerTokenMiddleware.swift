import Hummingbird

/// Answers 401 unless the request carries `Authorization: Bearer <token>`. The comparison
/// takes the same time wherever the tokens differ.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let given = request.headers[.authorization] ?? ""
        guard Self.matches(given, "Bearer \(token)") else {
            var response = JSONResponse.error(
                status: .unauthorized,
                message: given.isEmpty ? "missing bearer token" : "wrong bearer token")
            response.headers[.wwwAuthenticate] = "Bearer realm=\"busbar\""
            return response
        }
        return try await next(request, context)
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
