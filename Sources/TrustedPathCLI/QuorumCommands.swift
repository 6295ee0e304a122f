import ArgumentParser
import BackupKey
import Foundation
import Quorum
import TrustedPathCore

struct QuorumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quorum",
        abstract: "Split a 32-byte key k of n with Shamir's secret sharing, and combine shares.",
        discussion: "The raw operation, for tests and other implementations; the ceremony writes shares to cards.",
        subcommands: [Split.self, Combine.self])

    struct Split: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Split a key (given, or a fresh random one) into n share records.")

        @Option(help: "Shares needed to recombine (2...n).")
        var k: Int

        @Option(help: "Shares to make (k...16).")
        var n: Int

        @Option(help: "The 32-byte key in hex; a fresh random key when absent.")
        var secret: String?

        @Flag(help: "One JSON object per share: x, y (hex of the 32 share bytes), share (the whole record, hex), k, n, set.")
        var json = false

        func run() throws {
            let key: SecretBytes
            if let secret {
                guard var bytes = Hex.decode(secret), bytes.count == BackupKey.length else {
                    throw ValidationError("--secret must be 32 bytes of hex (64 digits)")
                }
                key = SecretBytes(consuming: &bytes)
            } else {
                key = BackupKey.generate()
            }
            let records: [ShareRecord]
            do { records = try BackupKey.split(key, k: k, n: n) } catch { throw ValidationError(error.description) }
            for record in records {
                let whole = record.encoded().withBytes { Hex.lower($0) }
                if json {
                    let y = record.y.withBytes { Hex.lower($0) }
                    print("{\"x\":\(record.x),\"y\":\"\(y)\",\"share\":\"\(whole)\",\"k\":\(k),\"n\":\(n),\"set\":\"\(record.setLabel)\"}")
                } else {
                    print("share \(record.x) of \(n) (any \(k)): \(whole)")
                }
            }
        }
    }

    struct Combine: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Combine share records read from standard input and print the key in hex.",
            discussion: """
                Each input line is a JSON object as `quorum split --json` prints (its `share`), or a \
                share record in hex. The key is checked against the records' key check value.
                """)

        @Flag(help: "Print {\"secret\": hex, \"badShares\": [x, ...]}.")
        var json = false

        func run() throws {
            var records: [ShareRecord] = []
            var lineNumber = 0
            while let line = readLine() {
                lineNumber += 1
                let text = line.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { continue }
                records.append(try Self.record(from: text, line: lineNumber))
            }
            let combination: Quorum.Combination
            do { combination = try BackupKey.combine(records) } catch { throw CLIError(error.description) }
            let secret = combination.key.withBytes { Hex.lower($0) }
            if json {
                print("{\"secret\":\"\(secret)\",\"badShares\":[\(combination.badShares.map(String.init).joined(separator: ","))]}")
            } else {
                print(secret)
                if !combination.badShares.isEmpty {
                    FileHandle.standardError.write(Data("warning: share(s) \(combination.badShares) do not fit the others: replace those cards\n".utf8))
                }
            }
        }

        static func record(from text: String, line: Int) throws -> ShareRecord {
            var hex = text
            if text.hasPrefix("{") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                      let share = object["share"] as? String else {
                    throw CLIError("line \(line): a JSON line needs a \"share\" field (the record in hex)")
                }
                hex = share
            } else if let colon = text.lastIndex(of: ":") {
                hex = String(text[text.index(after: colon)...])   // "share 1 of 3 (any 2): <hex>"
            }
            guard let bytes = Hex.decode(hex.trimmingCharacters(in: .whitespaces)) else {
                throw CLIError("line \(line): not hex")
            }
            do { return try ShareRecord(parsing: bytes) } catch { throw CLIError("line \(line): \(error)") }
        }
    }
}

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Encrypt and decrypt backups under the backup key (AES-256-GCM).",
        discussion: "The key comes from share records (as `quorum split` prints), so a restore proves the recombined key is right.",
        subcommands: [Encrypt.self, Decrypt.self])

    struct KeySource: ParsableArguments {
        @Option(help: "A file of share records, one per line (JSON or hex); - for standard input.")
        var shares: String

        func key() throws -> SecretBytes {
            let text: String
            if shares == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                guard let data = FileManager.default.contents(atPath: shares) else { throw CLIError("cannot read \(shares)") }
                text = String(decoding: data, as: UTF8.self)
            }
            var records: [ShareRecord] = []
            for (index, line) in text.split(separator: "\n").enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                records.append(try QuorumCommand.Combine.record(from: String(line), line: index + 1))
            }
            do { return try BackupKey.combine(records).key } catch { throw CLIError(error.description) }
        }
    }

    struct Encrypt: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Encrypt a file under the key the shares recombine to.")
        @OptionGroup var keySource: KeySource
        @Argument(help: "The file to encrypt.") var input: String
        @Argument(help: "The backup file to write.") var output: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: input) else { throw CLIError("cannot read \(input)") }
            let sealed: [UInt8]
            do { sealed = try BackupFile.encrypt([UInt8](data), key: try keySource.key()) } catch let error as BackupError {
                throw CLIError(error.description)
            }
            try writeFile(output, sealed)
        }
    }

    struct Decrypt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decrypt a backup with the key the shares recombine to; another key or a changed file is refused.")
        @OptionGroup var keySource: KeySource
        @Argument(help: "The backup file.") var input: String
        @Argument(help: "Where to write the decrypted contents.") var output: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: input) else { throw CLIError("cannot read \(input)") }
            do {
                let plain = try BackupFile.decrypt([UInt8](data), key: try keySource.key())
                try plain.withBytes { try writeFile(output, $0) }
            } catch let error as BackupError {
                throw CLIError(error.description)
            }
        }
    }
}
