using KhetiSahayak.Sync.Scopes;
using KhetiSahayak.Sync.Stores;

namespace KhetiSahayak.Advisories.Reference;

/// <summary>
/// Loads the LGD dumps into the synced reference tables <c>lgd_state</c>, <c>lgd_district</c> and <c>lgd_block</c>.
/// All three files are read and checked before anything is written (a malformed file changes nothing); then each table
/// is made to hold exactly its file's rows (<see cref="ReferenceTableWriter"/>): a re-load of the same files writes
/// nothing, a renamed block rewrites that one row, a code gone from the files becomes a tombstone.
/// </summary>
public sealed class LgdLoader
{
    private readonly IServerStore _store;
    private readonly TimeProvider _time;
    private readonly TableDefinition _states;
    private readonly TableDefinition _districts;
    private readonly TableDefinition _blocks;

    public LgdLoader(IServerStore store, TableCatalog catalog, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _time = time;
        _states = ReferenceTableWriter.Resolve(catalog, "lgd_state", "state_id", "lgd_state_code", "lgd_version", "name", "name_local", "state_or_ut");
        _districts = ReferenceTableWriter.Resolve(catalog, "lgd_district", "district_id", "lgd_district_code", "lgd_state_code", "name");
        _blocks = ReferenceTableWriter.Resolve(catalog, "lgd_block", "block_id", "lgd_block_code", "lgd_district_code", "lgd_state_code", "lgd_version", "name", "name_local");
    }

    /// <summary>Reads the folder's three files and loads them; <see cref="LgdFileException"/> when a file is missing or malformed (nothing written).</summary>
    public async Task<IReadOnlyList<ReferenceTableResult>> LoadAsync(string directory, IProgress<ReferenceLoadProgress>? progress, CancellationToken cancellationToken)
    {
        var files = await LgdFiles.ReadAsync(directory, cancellationToken);
        return await LoadAsync(files, progress, cancellationToken);
    }

    /// <summary>Loads files already read; states first, then districts, then blocks, the order devices pull them.</summary>
    public async Task<IReadOnlyList<ReferenceTableResult>> LoadAsync(LgdFiles files, IProgress<ReferenceLoadProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var states = files.States.Select(s => ReferenceTableWriter.Row(_states,
            ("state_id", ReferenceIds.State(s.Code)),
            ("lgd_state_code", s.Code),
            ("lgd_version", s.Version),
            ("name", s.Name),
            ("name_local", s.NameLocal),
            ("state_or_ut", s.StateOrUt))).ToList();
        var districts = files.Districts.Select(d => ReferenceTableWriter.Row(_districts,
            ("district_id", ReferenceIds.District(d.Code)),
            ("lgd_district_code", d.Code),
            ("lgd_state_code", d.StateCode),
            ("name", d.Name))).ToList();
        var blocks = files.Blocks.Select(b => ReferenceTableWriter.Row(_blocks,
            ("block_id", ReferenceIds.Block(b.Code, b.DistrictCode)),
            ("lgd_block_code", b.Code),
            ("lgd_district_code", b.DistrictCode),
            ("lgd_state_code", b.StateCode),
            ("lgd_version", b.Version),
            ("name", b.Name),
            ("name_local", b.NameLocal))).ToList();

        return
        [
            await ReferenceTableWriter.WriteAsync(_store, _states, states, _time, progress, cancellationToken),
            await ReferenceTableWriter.WriteAsync(_store, _districts, districts, _time, progress, cancellationToken),
            await ReferenceTableWriter.WriteAsync(_store, _blocks, blocks, _time, progress, cancellationToken),
        ];
    }
}
