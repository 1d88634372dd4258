import ArgumentParser

@main
struct Busbar: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "busbar",
        abstract: "A Modbus gateway for energy sites behind one meter.",
        discussion: """
            Register tool: read, write and scan any Modbus device (addresses are 0-based PDU \
            addresses; --one-based accepts manual numbering).
            Exit status: 0 ok, 1 the device answered with a Modbus exception, 2 no answer \
            (refused, timed out, closed), 64 bad arguments.
            """,
        version: BusbarVersion.line,
        subcommands: [
            RunCommand.self, DemoCommand.self, CheckCommand.self, MapCommand.self, SimulateCommand.self,
            InspectCommand.self, CommissionCommand.self,
            ReadCommand.self, WriteCommand.self, ScanCommand.self, JournalCommand.self,
        ]
    )
}
