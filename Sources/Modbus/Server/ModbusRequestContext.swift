/// What a request handler may want to know of the request it serves beyond its PDU: the
/// master's address, bound while `ModbusRequestHandler.handle` runs for it (on the thread the
/// server calls it on), nil outside a served request. The handler seam stays a plain function of
/// the request, and whoever records a master's commands (the audit journal) reads the address here.
public enum ModbusRequestContext {
    /// `IP:port` of the master whose request is being handled (`[IPv6]:port` for IPv6).
    @TaskLocal public static var client: String?
}
