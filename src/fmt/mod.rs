//! The formatter: one canonical layout for agent files, comments kept.
