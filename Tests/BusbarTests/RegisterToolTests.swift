import Foundation
import Modbus
import TestSupport
import Testing

/// `busbar read`, `write` and `scan` end to end: the built executable against a pymodbus 3.16
/// server (Tests/Interop/pymodbus_server.py) over a real socket.
@Suite(.serialized)
struct RegisterToolTests {
    @Test func readPrintsTheFloatAPymodbusServerHoldsOnUnit200() throws {
        let (server, port) = try pymodbusServer()
        defer { server.stop() }
        let result = try busbar("read", "127.0.0.1:\(port)", "1210", "--type", "float32", "--unit", "200")
        #expect(result.status == 0)
        #expect(result.output == "address  raw            value\n1210     0x41AA 0x0000  21.25\n")
    }

    @Test func everyFormatPrintsExactlyWhatItDocuments() throws {
        let (server, port) = try pymodbusServer()
        defer { server.stop() }
        let read = ["read", "127.0.0.1:\(port)", "1210", "--type", "float32", "--format"]
        #expect(try busbar(read + ["table"]).output == "address  raw            value\n1210     0x4184 0x0000  16.5\n")
        #expect(
            try busbar(read + ["json"]).output
                == #"{"endpoint":"127.0.0.1:\#(port)","table":"holding","type":"float32","unit":"1","values":[{"address":1210,"raw":[16772,0],"value":16.5}]}"#
                + "\n")
        #expect(try busbar(read + ["csv"]).output == "address,raw,value\n1210,0x4184 0x0000,16.5\n")
        let text = try busbar(
            "read", "127.0.0.1:\(port)", "1201", "--type", "string", "--count", "5", "--format", "csv")
        #expect(text.output == "address,raw,value\n1201,0x4332 0x0000 0x0000 0x0000 0x0000,\"C2\"\n")
    }

    @Test func typesBeyond32BitsDecode() throws {
        let (server, port) = try pymodbusServer()
        defer { server.stop() }
        let int32 = try busbar("read", "127.0.0.1:\(port)", "1300", "--type", "int32", "--format", "csv")
        #expect(int32.output.hasSuffix(",-123456\n"))
        let uint64 = try busbar("read", "127.0.0.1:\(port)", "1310", "--type", "uint64", "--format", "csv")
        #expect(uint64.output.hasSuffix(",12345678901234\n"))
    }

    @Test func oneBasedAndModiconAddressesReachTheSameRegister() throws {
        let (server, port) = try pymodbusServer()
        defer { server.stop() }
        for address in ["1211", "401211"] {
            let result = try busbar(
                "read", "127.0.0.1:\(port)", address, "--one-based", "--type", "float32", "--format", "csv")
            #expect(result.output == "address,raw,value\n1210,0x4184 0x0000,16.5\n", "\(address)")
        }
    }

    @Test func writtenValuesReadBackWithEachFunctionCode() throws {
        let (server, port) = try pymodbusServer()
        defer { server.stop() }
        let endpoint = "127.0.0.1:\(port)"
        #expect(try busbar("write", endpoint, "1400", "4242").output == "wrote 1 register at 1400 (FC6): 0x1092\n")
        #expect(
            try busbar("write", endpoint, "1401", "7", "--fc16").output == "wrote 1 register at 1401 (FC16): 0x0007\n")
        let floats = try busbar("write", endpoint, "1402", "--type", "float32", "--", "-7.5", "2.25")
        #expect(floats.output == "wrote 4 registers at 1402 (FC16): 0xC0F0 0x0000 0x4010 0x0000\n")
        #expect(
            try busbar("read", endpoint, "1400", "--count", "2", "--format", "csv").output
                == "address,raw,value\n1400,0x1092,4242\n1401,0x0007,7\n")
        let back = try busbar("read", endpoint, "1402", "--count", "2", "--type", "float32", "--format", "csv")
        #expect(back.output == "address,raw,value\n1402,0xC0F0 0x0000,-7.5\n1404,0x4010 0x0000,2.25\n")

        #expect(try busbar("write", endpoint, "3", "on", "--coil").output == "wrote 1 coil at 3 (FC5)\n")
        #expect(try busbar("write", endpoint, "5", "1", "0", "1", "--coil").output == "wrote 3 coils at 5 (FC15)\n")
        let coils = try busbar("read", endpoint, "3", "--coil", "--count", "5", "--format", "csv")
        #expect(
            coils.output
                == "address,raw,value\n3,0x0001,true\n4,0x0000,false\n5,0x0001,true\n6,0x0000,false\n7,0x0001,true\n")
    }

    @Test func scanFindsTheUnitsThatHoldValues() throws {
        let (server, port) = try pymodbusServer()
        defer { server.stop() }
        let result = try busbar(
            "scan", "127.0.0.1:\(port)", "--units", "1,200", "--address", "1210", "--type", "float32")
        #expect(result.status == 0)
        #expect(
            result.output == """
                unit  answer
                1     16.5  [0x4184 0x0000]
                200   21.25  [0x41AA 0x0000]
                2 of 2 unit ids answered at 127.0.0.1:\(port)

                """)
    }

    @Test func negativeValuesAndScalesNeedNoDoubleDash() throws {
        let (server, port) = try pymodbusServer()
        defer { server.stop() }
        let endpoint = "127.0.0.1:\(port)"
        #expect(
            try busbar("write", endpoint, "1400", "-5000", "--type", "int16").output
                == "wrote 1 register at 1400 (FC6): 0xEC78\n")
        let scaled = try busbar(
            "write", endpoint, "1401", "--type", "int16", "-1.5", "--scale", "-0.5", "--offset", "-2")
        #expect(scaled.output == "wrote 1 register at 1401 (FC6): 0xFFFF\n", "\(scaled.errorOutput)")
        let back = try busbar("read", endpoint, "1400", "--type", "int16", "--scale", "-1", "--format", "csv")
        #expect(back.output == "address,raw,value\n1400,0xEC78,5000\n", "\(back.errorOutput)")
        // What is left over and is not a number is a mistyped option, not a value.
        let typo = try busbar("write", endpoint, "1400", "-5000", "--typo", "int16")
        #expect(typo.status == 64)
        #expect(typo.errorOutput.contains(#"unknown option "--typo""#), "\(typo.errorOutput)")
    }

    @Test func aRelativeSerialDeviceNameIsASerialLine() throws {
        let folder = try temporaryFolder("serial")
        defer { try? FileManager.default.removeItem(at: folder) }
        let peer = folder.appendingPathComponent("ttyPeer").path
        let socat = try Peer(
            "/usr/bin/socat", ["-d", "-d", "pty,raw,echo=0,link=./ttyGW", "pty,raw,echo=0,link=./ttyPeer"],
            currentDirectory: folder)
        defer { socat.stop() }
        try #require(socat.waitForOutput("starting data transfer loop"), "socat: \(socat.errorOutput)")
        let (server, _) = try pymodbusServer(rtu: peer)
        defer { server.stop() }
        for device in ["ttyGW", "./ttyGW"] {
            let result = try runCommand(
                Paths.busbar, ["read", device, "1210", "--type", "float32", "--unit", "200", "--parity", "none"],
                timeout: .seconds(30), currentDirectory: folder)
            #expect(
                result.output == "address  raw            value\n1210     0x41AA 0x0000  21.25\n",
                "\(device): \(result.errorOutput)")
        }
    }

    @Test func scanDoesNotCountGatewayExceptionsAsAnswers() throws {
        let device = RegisterBank(ranges: [.holding: [1210..<1212]])
        device.set(.holding, address: 1210, to: [0x4184, 0x0000])
        let elsewhere = RegisterBank(ranges: [.holding: [0..<10]])
        // Unit 2 is behind the gateway but silent (0x0B); unit 3 is unknown to it (0x0A).
        let gateway = UnitRouter(units: [1: device, 2: SilentTarget(), 4: elsewhere])
        let server = ModbusTCPServer(host: "127.0.0.1", port: 0, handler: gateway)
        try server.start()
        defer { server.stop() }
        let result = try busbar(
            "scan", "127.0.0.1:\(server.port)", "--units", "1-4", "--address", "1210", "--type", "float32")
        #expect(result.status == 0)
        #expect(
            result.output == """
                unit  answer
                1     16.5  [0x4184 0x0000]
                4     exception illegal data address (0x02)
                2 of 4 unit ids answered at 127.0.0.1:\(server.port)

                """)
    }

    @Test func watchWritesEachRoundToAPipeWhileItRuns() throws {
        let (server, port) = try pymodbusServer()
        defer { server.stop() }
        let reader = try Peer(
            Paths.busbar,
            ["read", "127.0.0.1:\(port)", "1210", "--type", "float32", "--format", "csv", "--watch", "200ms"])
        defer { reader.stop() }
        #expect(
            reader.waitForOutput("1210,0x4184 0x0000,16.5", timeout: .seconds(10)),
            "\(reader.output)\(reader.errorOutput)")
        #expect(reader.isRunning)
    }

    @Test func anUndefinedAddressPrintsTheExceptionByNameAndExits1() throws {
        let (server, port) = try pymodbusServer()
        defer { server.stop() }
        let result = try busbar("read", "127.0.0.1:\(port)", "5000")
        #expect(result.status == 1)
        #expect(result.output.isEmpty)
        #expect(
            result.errorOutput
                == "busbar: read holding registers (FC3) at unit 1 address 5000: Modbus exception illegal data address (0x02)\n"
        )
    }

    @Test func aRefusedConnectionExits2() throws {
        let result = try busbar("read", "127.0.0.1:\(freePort())", "1210")
        #expect(result.status == 2)
        #expect(result.errorOutput.contains("connection refused"))
    }

    @Test(arguments: [
        (["read", "127.0.0.1:1", "1", "--type", "float33"], #"type "float33" is not one of int16"#),
        (["write", "127.0.0.1:1", "1", "70000"], "70000 does not fit uint16 (0…65535)"),
        (["write", "127.0.0.1:1", "1", "--type", "int16", "--", "-40000"], "-40000 does not fit int16 (-32768…32767)"),
        (["read", "127.0.0.1:99999", "1"], #"port "99999" is not a number from 1 to 65535"#),
        (["read", "127.0.0.1:1", "70000"], "address 70000 is outside 0…65535"),
    ])
    func badArgumentsExit64WithWhatWasExpected(arguments: [String], message: String) throws {
        let result = try runCommand(Paths.busbar, arguments)
        #expect(result.status == 64)
        #expect(result.errorOutput.contains(message), "\(result.errorOutput)")
    }
}

/// A unit behind a gateway that does not answer: the gateway replies 0x0B for it.
struct SilentTarget: ModbusRequestHandler {
    func handle(_ request: ModbusRequest, unit: UInt8) -> ModbusResponse {
        .exception(.gatewayTargetFailedToRespond)
    }
}
