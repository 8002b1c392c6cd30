//! `read_source`: E0001 for missing and non-UTF-8 files; a BOM is the parser's business.

use symbi::syntax::read_source;

#[test]
fn missing_file_is_e0001() {
    let dir = tempfile::tempdir().expect("temp dir");
    let err = read_source(&dir.path().join("nope.symbi")).expect_err("missing file");
    assert_eq!(err.code, "E0001");
    assert!(err.message.contains("nope.symbi"), "{}", err.message);
    assert!(!err.message.contains("os error"), "{}", err.message);
}

#[test]
fn non_utf8_names_the_byte_offset() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("latin1.symbi");
    std::fs::write(&path, b"agent A { } // caf\xe9\n").expect("write");
    let err = read_source(&path).expect_err("not UTF-8");
    assert_eq!(err.code, "E0001");
    assert!(err.message.contains("offset 18"), "{}", err.message);
}

#[test]
fn utf8_file_is_read_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ok.symbi");
    std::fs::write(&path, "\u{FEFF}agent Å { }").expect("write");
    assert_eq!(read_source(&path).expect("readable"), "\u{FEFF}agent Å { }");
}
