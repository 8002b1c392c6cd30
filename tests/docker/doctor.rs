//! `symbi doctor` (filled in with the doctor).
