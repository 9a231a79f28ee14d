import Foundation
import RekonNative
import Testing

private let ledgerXSD = """
    <?xml version="1.0" encoding="UTF-8"?>
    <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
      <xs:element name="ledger">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="entry" maxOccurs="unbounded">
              <xs:complexType>
                <xs:sequence>
                  <xs:element name="amount" type="xs:decimal"/>
                </xs:sequence>
                <xs:attribute name="id" type="xs:string" use="required"/>
              </xs:complexType>
            </xs:element>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:schema>
    """

private func schemaError(_ body: () throws -> Void) -> XMLSchemaError? {
    do {
        try body()
        return nil
    } catch let error as XMLSchemaError {
        return error
    } catch {
        return nil
    }
}

@Suite struct XMLSchemaTests {
    @Test func validDocumentPassesSchemaValidation() throws {
        let schema = try XMLSchema(xsd: Array(ledgerXSD.utf8), name: "ledger.xsd")
        let got = try events("<ledger>\n<entry id=\"e1\"><amount>10.50</amount></entry>\n</ledger>", schema: schema)
        #expect(got.contains(.text("10.50")))
        #expect(got.last == .end(name: "ledger"))
    }

    @Test func invalidValueThrowsSchemaInvalidWithItsLine() throws {
        let schema = try XMLSchema(xsd: Array(ledgerXSD.utf8), name: "ledger.xsd")
        let xml =
            "<ledger>\n<entry id=\"e1\"><amount>1</amount></entry>\n<entry id=\"e2\">\n<amount>ten</amount>\n</entry>\n</ledger>"
        let error = xmlError { _ = try events(xml, schema: schema) }
        #expect(error?.code == .schemaInvalid)
        #expect(error?.line == 4)
        #expect(error.map { !$0.description.contains("ten") } == true)
    }

    @Test func missingRequiredAttributeThrowsSchemaInvalid() throws {
        let schema = try XMLSchema(xsd: Array(ledgerXSD.utf8), name: "ledger.xsd")
        let error = xmlError {
            _ = try events("<ledger>\n<entry><amount>1</amount></entry>\n</ledger>", schema: schema)
        }
        #expect(error?.code == .schemaInvalid)
        #expect(error?.line == 2)
    }

    @Test func schemaErrorLineIsExactPastTheSixteenBitLineLimit() throws {
        let schema = try XMLSchema(xsd: Array(ledgerXSD.utf8), name: "ledger.xsd")
        var xml = "<ledger>\n"
        for n in 0..<40_000 {
            xml += "<entry id=\"e\(n)\">\n<amount>\(n == 30_000 ? "bad" : "\(n)")</amount>\n</entry>\n"
        }
        xml += "</ledger>\n"
        let error = xmlError { _ = try events(xml, schema: schema) }
        #expect(error?.code == .schemaInvalid)
        #expect(error?.line == 2 + 3 * 30_000 + 1)
    }

    @Test func oneSchemaServesSeveralReaders() throws {
        let schema = try XMLSchema(xsd: Array(ledgerXSD.utf8), name: "ledger.xsd")
        for id in 1...3 {
            let got = try events("<ledger><entry id=\"e\(id)\"><amount>\(id)</amount></entry></ledger>", schema: schema)
            #expect(got.count == 7)
        }
    }

    @Test func malformedXSDThrowsMalformed() {
        #expect(schemaError { _ = try XMLSchema(xsd: Array("<xs:schema".utf8), name: "bad.xsd") }?.code == .malformed)
    }

    @Test func nonSchemaDocumentThrowsInvalidSchema() {
        #expect(
            schemaError { _ = try XMLSchema(xsd: Array("<notASchema/>".utf8), name: "x.xsd") }?.code == .invalidSchema)
    }

    @Test func xsdWithDoctypeIsRefused() {
        let xsd =
            "<!DOCTYPE xs:schema [<!ENTITY t \"xs:string\">]>\n"
            + ledgerXSD.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", with: "")
        #expect(schemaError { _ = try XMLSchema(xsd: Array(xsd.utf8), name: "dtd.xsd") }?.code == .unsafeMarkup)
    }

    @Test func includeAndImportFromDiskAreNotLoaded() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rekon-xsd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let part = directory.appendingPathComponent("part.xsd")
        try Data(
            """
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:part" xmlns="urn:part">
              <xs:simpleType name="code"><xs:restriction base="xs:string"/></xs:simpleType>
            </xs:schema>
            """.utf8
        ).write(to: part)

        let including = """
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:part" xmlns="urn:part">
              <xs:include schemaLocation="\(part.path)"/>
              <xs:element name="c" type="code"/>
            </xs:schema>
            """
        let importing = """
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:p="urn:part">
              <xs:import namespace="urn:part" schemaLocation="file://\(part.path)"/>
              <xs:element name="c" type="xs:string"/>
            </xs:schema>
            """
        #expect(schemaError { _ = try XMLSchema(xsd: Array(including.utf8), name: "inc.xsd") }?.code == .invalidSchema)
        #expect(schemaError { _ = try XMLSchema(xsd: Array(importing.utf8), name: "imp.xsd") }?.code == .invalidSchema)
    }
}
