import Foundation
import Testing
import WinnowCore
import WinnowTestSupport
@testable import WinnowStages

/// `langid`: CLD2's language and score into `lang` and `lang_score`, kept or dropped by
/// `languages` and `min_score` with reason `language`.
@Suite struct LangIDStageTests {
  let english = "The city council said on Monday that subway fares will rise next year because the operator has run deficits for a decade, and that buses will follow in the spring."
  let german = "Der Stadtrat teilte am Montag mit, dass die Fahrpreise für die U-Bahn im nächsten Jahr steigen werden, weil der Betreiber seit zehn Jahren Verluste schreibt."

  func run(_ text: String, _ overrides: [String: OptionValue] = [:]) throws -> (Verdict, Document) {
    var document = textDocument(text)
    let verdict = try makeStage(LangIDConfig.self, overrides).process(&document)
    return (verdict, document)
  }

  @Test func namesTheLanguageAndItsShareOfTheText() throws {
    for (text, code) in [(koArticle, "ko"), (english, "en"), (german, "de")] {
      let (verdict, document) = try run(text)
      #expect(verdict == .keep)
      #expect(document.meta.lang == code)
      #expect((document.meta.langScore ?? 0) >= 0.9, "\(code): \(document.meta.langScore ?? -1)")
      #expect(document.counters.map(\.name) == ["lang:" + code])
    }
  }

  @Test func writesCurrentCodesWhereCLD2WritesWithdrawnOnes() throws {
    // Hebrew: CLD2 says "iw".
    let hebrew = "העירייה הודיעה ביום שני כי מחירי הנסיעה ברכבת התחתית יעלו בשנה הבאה בגלל הגירעונות של המפעיל בעשור האחרון."
    #expect(try run(hebrew).1.meta.lang == "he")
  }

  @Test func keepsOnlyTheListedLanguages() throws {
    #expect(try run(koArticle, ["languages": .strings(["ko", "ja"])]).0 == .keep)
    let (verdict, document) = try run(english, ["languages": .strings(["ko"])])
    guard case .drop(let drop) = verdict else { Issue.record("kept"); return }
    #expect(drop.reason == "language")
    #expect(drop.detail.hasPrefix("en (score ") && drop.detail.hasSuffix(") is not in languages"), "\(drop.detail)")
    #expect(document.meta.lang == "en")
  }

  @Test func dropsBelowMinScore() throws {
    // Half Korean, half English: neither language has most of the letters by far.
    let mixed = koBody1 + "\n\n" + english + " " + english
    let (_, measured) = try run(mixed)
    let score = try #require(measured.meta.langScore)
    #expect(score < 0.9)
    let (verdict, _) = try run(mixed, ["min_score": .double(min(1, score + 0.05))])
    guard case .drop(let drop) = verdict else { Issue.record("kept"); return }
    #expect(drop.reason == "language")
    #expect(drop.detail.contains("< min_score"))
    #expect(try run(mixed, ["min_score": .double(max(0, score - 0.05))]).0 == .keep)
  }

  @Test func unknownLanguageIsDroppedOnlyWhenLanguagesAreListed() throws {
    let digits = "12345 67890 2025-01-12 +82 10"
    let (kept, document) = try run(digits)
    #expect(kept == .keep)
    #expect(document.meta.lang == nil && document.meta.langScore == nil)
    #expect(document.counters.map(\.name) == ["unknown"])
    guard case .drop(let drop) = try run(digits, ["languages": .strings(["ko"])]).0 else { Issue.record("kept"); return }
    #expect(drop.reason == "language" && drop.detail == "CLD2 cannot tell the language")
  }

  @Test func readsAtMostMaxBytesReadCutAtACharacter() throws {
    // English first, then a long Korean text: the first 300 bytes are English only.
    let text = english + "\n\n" + String(repeating: koArticle + "\n\n", count: 3)
    #expect(try run(text).1.meta.lang == "ko")
    // Korean for the first ~260 bytes, then English: every cut from 256 to 262 bytes (some
    // inside a Hangul syllable, 3 bytes each) reads Korean, never invalid UTF-8 ("un").
    let head = String(koArticle.unicodeScalars.prefix(110).map(Character.init))
    #expect(head.utf8.count > 262)
    for cut in 256...262 {
      #expect(try run(head + " " + english + english, ["max_bytes_read": .int(cut)]).1.meta.lang == "ko", "cut \(cut)")
    }
  }

  @Test func aTextInAScriptOfOneLanguageIsNamedByItsScript() throws {
    // 30 letter bytes: 27 of Hangul (9 syllables, 3 bytes each), 3 ASCII letters; digits,
    // spaces and punctuation are not letters.
    let text = "서울시는 오늘 BRT 123, 노선을!"
    let (code, share) = try #require(text.utf8.withContiguousStorageIfAvailable { LangIDStage.singleScript($0) } ?? nil)
    #expect(code == "ko")
    #expect(abs(share - 27.0 / 30.0) < 1e-9, "\(share)")
    let greek = "Το δημοτικό συμβούλιο ανακοίνωσε ότι τα εισιτήρια του μετρό θα αυξηθούν."
    #expect(greek.utf8.withContiguousStorageIfAvailable { LangIDStage.singleScript($0)?.code } == "el")
    // Latin, Cyrillic and Han have no single language: no answer by script.
    #expect(english.utf8.withContiguousStorageIfAvailable { LangIDStage.singleScript($0) } ?? nil == nil)
    #expect("Москва 北京".utf8.withContiguousStorageIfAvailable { LangIDStage.singleScript($0) } ?? nil == nil)
  }

  @Test func theScriptDecidesOnlyAboveSingleScriptShare() throws {
    // Korean with a little English: above 0.9 of the letters are Hangul, and the score is
    // that share; with the option at 1 (or 0) CLD2 answers and scores it its own way.
    let text = koArticle + " Seoul Metro"
    let share = try #require(text.utf8.withContiguousStorageIfAvailable { LangIDStage.singleScript($0)?.share } ?? nil)
    #expect(share > 0.9 && share < 1)
    let (_, byScript) = try run(text)
    #expect(byScript.meta.lang == "ko" && byScript.meta.langScore == share)
    for off in [0.0, 1.0] {
      let (_, byCLD2) = try run(text, ["single_script_share": .double(off)])
      #expect(byCLD2.meta.lang == "ko" && byCLD2.meta.langScore != share, "\(off): \(byCLD2.meta.langScore ?? -1)")
    }
    // Greek by script, the current code either way.
    let greek = "Το δημοτικό συμβούλιο ανακοίνωσε τη Δευτέρα ότι τα εισιτήρια του μετρό θα αυξηθούν τον επόμενο χρόνο."
    #expect(try run(greek).1.meta.lang == "el")
    #expect(try run(greek, ["single_script_share": .double(0)]).1.meta.lang == "el")
  }

  @Test func rejectsAnEmptyLanguageCode() throws {
    #expect(throws: OptionError.self) { try makeStage(LangIDConfig.self, ["languages": .strings(["ko", ""])]) }
  }
}
