using KhetiSahayak.Sync.Engine;
using KhetiSahayak.Sync.Protocol;
using KhetiSahayak.Sync.Scopes;

namespace KhetiSahayak.Sync.Stores;

/// <summary>
/// One page-sized read of one pull phase over one table, after a (version, key) position. With <see cref="Text"/>, a
/// store may give text and JSON cells as <see cref="Utf8Text"/> in that buffer instead of strings.
/// </summary>
public sealed record ChangeQuery(
    ScopeTable Table,
    PullPhase Phase,
    ScopeParameters Parameters,
    ScopeParameters? PreviousParameters,
    string? From,
    string To,
    long AfterVersion,
    string AfterKey,
    int Limit,
    Utf8TextBuffer? Text = null);
