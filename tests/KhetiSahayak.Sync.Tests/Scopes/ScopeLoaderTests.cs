using System.Globalization;
using System.Text.Json;
using KhetiSahayak.Sync.Scopes;
using NUnit.Framework;

namespace KhetiSahayak.Sync.Tests.Scopes;

/// <summary>
/// Loads the repository's real sync-scopes folder and checks the facts other code relies on, then feeds the
/// loader one bad input at a time and checks it names the file, the JSON path and the reason.
/// </summary>
[TestFixture]
public sealed class ScopeLoaderTests
{
    private const string AdvisoryAreaFilter =
        "status eq 'published' AND any(district_codes overlaps $districts, block_codes overlaps $blocks)";

    private const string ScopeFile = "test.v1.json";

    private const string CatalogFile = "catalog.json";

    // A small catalog of its own, so the bad-input tests do not move when the real catalog does.
    private const string TestCatalogJson = """
        {
          "tables": {
            "plot": {
              "key": "plot_id",
              "columns": {
                "plot_id": "uuid",
                "farmer_id": "uuid",
                "area_ha": "real",
                "block_code": "integer?",
                "crop_codes": "json",
                "lang": "text"
              },
              "indexes": [["farmer_id"]]
            }
          }
        }
        """;

    private static readonly string[] FarmerOwnedTables =
        ["farmer_profile", "farm_plot", "crop_cycle", "field_activity", "ledger_entry", "soil_test"];

    private static readonly string[] UploadTables = ["diagnosis_request", "advisory_receipt"];

    private static readonly string[] CatalogTables =
    [
        "farmer_profile", "farm_plot", "crop_cycle", "field_activity", "ledger_entry", "soil_test",
        "crop", "crop_stage", "advisory", "advisory_translation",
        "diagnosis_request", "advisory_receipt", "diagnosis_result",
        "officer_assignment", "field_visit", "pest_observation",
        "lgd_state", "lgd_district", "lgd_block",
    ];

    private static readonly string[] DenormalisedAdvisoryColumns = ["district_codes", "block_codes", "crop_codes", "status"];

    private static readonly string[] FarmerIdOnly = ["farmer_id"];

    private static readonly string[] Directions = ["bidirectional", "download", "upload"];

    private static readonly string[] TablePolicies = ["server-wins", "client-wins", "merge", "manual"];

    private static readonly string[] ColumnPolicies = ["server-wins", "client-wins", "manual"];

    private static readonly string[] TwoScopeFiles = ["a.v1.json", "b.v1.json"];

    private ScopeSet _scopes = null!;

    private string _folder = null!;

    [OneTimeSetUp]
    public void LoadRepositoryFolder()
    {
        _folder = Path.Combine(FindRepositoryRoot(), "sync-scopes");
        _scopes = ScopeLoader.LoadDirectory(_folder);
    }

    // ---- the repository's sync-scopes folder ----

    [Test]
    public void LoadDirectory_RepositoryFolder_LoadsFarmerAndOfficerScopesVersion1()
    {
        var farmer = _scopes.Find("farmer", 1);
        var officer = _scopes.Find("extension-officer", 1);

        Assert.That(farmer, Is.Not.Null);
        Assert.That(officer, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(farmer!.Role, Is.EqualTo("farmer"));
            Assert.That(officer!.Role, Is.EqualTo("extension_officer"));
            Assert.That(_scopes.Latest("farmer")!.Version, Is.EqualTo(1));
            Assert.That(_scopes.Scopes, Has.Count.EqualTo(2));
        }
    }

    [Test]
    public void LoadDirectory_RepositoryFolder_CatalogHasEveryDomainTable()
    {
        Assert.That(_scopes.Catalog.Tables.Select(t => t.Name), Is.EquivalentTo(CatalogTables));
    }

    [TestCase("farmer_profile", "farmer_id", "uuid")]
    [TestCase("farmer_profile", "full_name", "text")]
    [TestCase("farmer_profile", "name_latin", "text?")]
    [TestCase("farmer_profile", "birth_year", "integer?")]
    [TestCase("farmer_profile", "preferred_lang", "text")]
    [TestCase("farmer_profile", "secondary_lang", "text?")]
    [TestCase("farmer_profile", "lgd_state_code", "integer")]
    [TestCase("farmer_profile", "lgd_district_code", "integer")]
    [TestCase("farmer_profile", "lgd_block_code", "integer?")]
    [TestCase("farmer_profile", "lgd_village_code", "integer?")]
    [TestCase("farmer_profile", "consent_version", "text?")]
    [TestCase("farm_plot", "farmer_id", "uuid")]
    [TestCase("farm_plot", "area_value", "real")]
    [TestCase("farm_plot", "area_unit", "text")]
    [TestCase("farm_plot", "area_ha", "real")]
    [TestCase("crop_cycle", "crop_code", "text")]
    [TestCase("crop_cycle", "sown_area_ha", "real?")]
    [TestCase("crop_cycle", "sowing_date", "date?")]
    [TestCase("field_activity", "cost_paise", "integer?")]
    [TestCase("ledger_entry", "amount_paise", "integer")]
    [TestCase("ledger_entry", "entry_date", "date")]
    [TestCase("soil_test", "ratings", "json?")]
    [TestCase("soil_test", "is_locked", "boolean")]
    [TestCase("crop", "names", "json")]
    [TestCase("crop_stage", "sequence", "integer")]
    [TestCase("advisory", "crop_codes", "json")]
    [TestCase("advisory", "district_codes", "json")]
    [TestCase("advisory", "valid_to", "timestamp")]
    [TestCase("advisory", "issuing_office", "text?")]
    [TestCase("advisory_translation", "sms_text", "text?")]
    [TestCase("diagnosis_result", "confidence", "real?")]
    [TestCase("officer_assignment", "lgd_block_code", "integer?")]
    [TestCase("field_visit", "visited_on", "date")]
    [TestCase("pest_observation", "observed_at", "timestamp?")]
    public void LoadDirectory_RepositoryCatalog_DeclaresColumnType(string table, string column, string type)
    {
        var def = _scopes.Catalog[table];

        Assert.That(def.TryGetOrdinal(column, out var ordinal), Is.True, $"{table}.{column} is missing");
        Assert.That(TypeText(def.Columns[ordinal]), Is.EqualTo(type));
    }

    [Test]
    public void LoadDirectory_RepositoryCatalog_MoneyIsIntegerPaise()
    {
        string[] moneyWords = ["paise", "amount", "cost", "price", "rupee"];
        var money = _scopes.Catalog.Tables
            .SelectMany(t => t.Columns.Where(c => moneyWords.Any(w => c.Name.Contains(w, StringComparison.Ordinal))).Select(c => $"{t.Name}.{c.Name}:{TypeText(c)}"))
            .ToList();

        Assert.That(money, Is.Not.Empty);
        Assert.That(money, Is.All.Match("_paise:integer\\??$"));
    }

    [Test]
    public void LoadDirectory_RepositoryCatalog_IndexesEveryOwnerColumn()
    {
        string[] owners = ["farmer_id", "officer_id", "observer_id", "lgd_block_code"];
        var missing = _scopes.Catalog.Tables
            .SelectMany(t => owners.Where(o => o != t.Key && t.TryGetOrdinal(o, out _) && !t.Indexes.Any(i => i[0] == o)).Select(o => $"{t.Name}.{o}"))
            .ToList();

        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void LoadDirectory_RepositoryCatalog_TranslationCopiesAdvisoryFilterColumns()
    {
        var advisory = _scopes.Catalog["advisory"];
        var translation = _scopes.Catalog["advisory_translation"];

        foreach (var column in DenormalisedAdvisoryColumns)
        {
            Assert.That(TypeText(translation.Columns[translation.Ordinal(column)]), Is.EqualTo(TypeText(advisory.Columns[advisory.Ordinal(column)])), column);
        }
    }

    [Test]
    public void LoadDirectory_RepositoryFolder_OfficerAssignmentIsInNoScope()
    {
        Assert.That(_scopes.Catalog.TryGet("officer_assignment", out _), Is.True);
        Assert.That(_scopes.Scopes.Where(s => s.TryGetTable("officer_assignment", out _)), Is.Empty);
    }

    [Test]
    public void LoadDirectory_FarmerScope_FarmPlotMergesWithAreaColumnsManual()
    {
        var plot = Table("farmer", "farm_plot");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(plot.Direction, Is.EqualTo(SyncDirection.Bidirectional));
            Assert.That(plot.Policy, Is.EqualTo(ConflictPolicy.Merge));
            Assert.That(plot.PolicyFor("area_value"), Is.EqualTo(ConflictPolicy.Manual));
            Assert.That(plot.PolicyFor("area_unit"), Is.EqualTo(ConflictPolicy.Manual));
            Assert.That(plot.PolicyFor("area_ha"), Is.EqualTo(ConflictPolicy.Manual));
            Assert.That(plot.PolicyFor("local_name"), Is.EqualTo(ConflictPolicy.ServerWins));
            Assert.That(plot.ReadOnlyColumns, Is.EquivalentTo(FarmerIdOnly));
        }
    }

    [TestCaseSource(nameof(FarmerOwnedTables))]
    public void LoadDirectory_FarmerScope_FarmerOwnedTableIsBidirectionalMergeTiedToFarmer(string name)
    {
        var table = Table("farmer", name);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(table.Direction, Is.EqualTo(SyncDirection.Bidirectional));
            Assert.That(table.Policy, Is.EqualTo(ConflictPolicy.Merge));
            Assert.That(Describe(table.Filter), Is.EqualTo("farmer_id eq $farmer_id"));
            Assert.That(table.ReadOnlyColumns, Is.EquivalentTo(FarmerIdOnly));
        }
    }

    [TestCaseSource(nameof(FarmerOwnedTables))]
    public void LoadDirectory_FarmerScope_MoneyAndAreaColumnsAreManual(string name)
    {
        var table = Table("farmer", name);
        var moneyOrArea = table.Table.Columns
            .Select(c => c.Name)
            .Where(c => c.EndsWith("_paise", StringComparison.Ordinal) || c.Contains("area", StringComparison.Ordinal));

        Assert.That(moneyOrArea.Where(c => table.PolicyFor(c) != ConflictPolicy.Manual), Is.Empty);
        Assert.That(table.ColumnPolicies.Values, Is.All.EqualTo(ConflictPolicy.Manual));
    }

    [TestCase("ledger_entry", "amount_paise")]
    [TestCase("field_activity", "cost_paise")]
    [TestCase("field_activity", "area_covered_ha")]
    [TestCase("crop_cycle", "sown_area_ha")]
    public void LoadDirectory_FarmerScope_NamedMoneyOrAreaColumnIsManual(string name, string column)
    {
        Assert.That(Table("farmer", name).PolicyFor(column), Is.EqualTo(ConflictPolicy.Manual));
    }

    [Test]
    public void LoadDirectory_FarmerScope_AdvisoryFilterTargetsAreaAndCrops()
    {
        var advisory = Table("farmer", "advisory");

        Assert.That(advisory.Direction, Is.EqualTo(SyncDirection.DownloadOnly));
        Assert.That(Describe(advisory.Filter), Is.EqualTo(AdvisoryAreaFilter + " AND crop_codes overlaps $crops"));
    }

    [Test]
    public void LoadDirectory_FarmerScope_AdvisoryTranslationFilterAddsLanguages()
    {
        var translation = Table("farmer", "advisory_translation");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(translation.Direction, Is.EqualTo(SyncDirection.DownloadOnly));
            Assert.That(Describe(translation.Filter), Is.EqualTo(AdvisoryAreaFilter + " AND crop_codes overlaps $crops AND lang in $languages"));
            Assert.That(translation.FilterColumns, Does.Contain("lang"));
            Assert.That(translation.FilterColumns, Is.SupersetOf(DenormalisedAdvisoryColumns));
        }
    }

    [TestCaseSource(nameof(UploadTables))]
    public void LoadDirectory_FarmerScope_DeviceProducedTableIsUploadOnlyAndNotPulled(string name)
    {
        var scope = _scopes.Find("farmer", 1)!;
        var table = Table("farmer", name);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(table.Direction, Is.EqualTo(SyncDirection.UploadOnly));
            Assert.That(Describe(table.Filter), Is.EqualTo("farmer_id eq $farmer_id"));
            Assert.That(scope.PulledTables.Select(t => t.Name), Does.Not.Contain(name));
        }
    }

    [TestCase("farmer", "crop", "")]
    [TestCase("farmer", "crop_stage", "")]
    [TestCase("farmer", "diagnosis_result", "farmer_id eq $farmer_id")]
    [TestCase("farmer", "lgd_state", "")]
    [TestCase("farmer", "lgd_district", "")]
    [TestCase("farmer", "lgd_block", "lgd_district_code in $districts")]
    [TestCase("extension-officer", "crop", "")]
    [TestCase("extension-officer", "crop_stage", "")]
    [TestCase("extension-officer", "lgd_state", "")]
    [TestCase("extension-officer", "lgd_district", "")]
    [TestCase("extension-officer", "lgd_block", "lgd_district_code in $districts")]
    [TestCase("extension-officer", "farmer_profile", "lgd_block_code in $blocks")]
    [TestCase("extension-officer", "advisory", AdvisoryAreaFilter)]
    [TestCase("extension-officer", "advisory_translation", AdvisoryAreaFilter)]
    public void LoadDirectory_RepositoryScope_DownloadTableHasFilter(string scope, string name, string filter)
    {
        var table = Table(scope, name);

        Assert.That(table.Direction, Is.EqualTo(SyncDirection.DownloadOnly));
        Assert.That(Describe(table.Filter), Is.EqualTo(filter));
    }

    [TestCase("field_visit", "officer_id")]
    [TestCase("pest_observation", "observer_id")]
    public void LoadDirectory_OfficerScope_OfficerTableIsBidirectionalMergeTiedToUser(string name, string owner)
    {
        var table = Table("extension-officer", name);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(table.Direction, Is.EqualTo(SyncDirection.Bidirectional));
            Assert.That(table.Policy, Is.EqualTo(ConflictPolicy.Merge));
            Assert.That(Describe(table.Filter), Is.EqualTo($"{owner} eq $user_id"));
            Assert.That(table.ReadOnlyColumns, Does.Contain(owner));
        }
    }

    [TestCase("farmer", "crop", "crop_cycle")]
    [TestCase("farmer", "farmer_profile", "farm_plot")]
    [TestCase("farmer", "farm_plot", "crop_cycle")]
    [TestCase("farmer", "crop_cycle", "field_activity")]
    [TestCase("farmer", "farm_plot", "soil_test")]
    [TestCase("farmer", "advisory", "advisory_translation")]
    [TestCase("farmer", "advisory", "advisory_receipt")]
    [TestCase("farmer", "diagnosis_request", "diagnosis_result")]
    [TestCase("farmer", "lgd_state", "lgd_district")]
    [TestCase("farmer", "lgd_district", "lgd_block")]
    [TestCase("extension-officer", "farmer_profile", "field_visit")]
    [TestCase("extension-officer", "advisory", "advisory_translation")]
    public void LoadDirectory_RepositoryScope_ListsParentBeforeChild(string scope, string parent, string child)
    {
        var names = _scopes.Find(scope, 1)!.Tables.Select(t => t.Name).ToList();

        Assert.That(names.IndexOf(parent), Is.GreaterThanOrEqualTo(0).And.LessThan(names.IndexOf(child)));
    }

    [Test]
    public void CatalogSchema_ColumnTypeEnum_MatchesEveryColumnType()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, "catalog.schema.json")));
        var types = schema.RootElement.GetProperty("$defs").GetProperty("columnType").GetProperty("enum").EnumerateArray().Select(e => e.GetString());
        var expected = Enum.GetValues<ColumnType>().Select(t => t.ToString().ToLower(CultureInfo.InvariantCulture)).SelectMany(t => new[] { t, t + "?" });

        Assert.That(types, Is.EquivalentTo(expected));
    }

    [Test]
    public void ScopeSchema_ParameterEnums_MatchScopeParameters()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, "scope.schema.json")));
        var defs = schema.RootElement.GetProperty("$defs");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(EnumOf(defs, "scalarParameter"), Is.EquivalentTo(ScopeParameter.All.Where(p => !p.Value.IsList).Select(p => "$" + p.Key)));
            Assert.That(EnumOf(defs, "listParameter"), Is.EquivalentTo(ScopeParameter.All.Where(p => p.Value.IsList).Select(p => "$" + p.Key)));
            Assert.That(EnumOf(defs, "direction"), Is.EquivalentTo(Directions));
            Assert.That(EnumOf(defs, "policy"), Is.EquivalentTo(TablePolicies));
            Assert.That(EnumOf(defs, "columnPolicy"), Is.EquivalentTo(ColumnPolicies));
        }

        static IEnumerable<string?> EnumOf(JsonElement defs, string name) =>
            defs.GetProperty(name).GetProperty("enum").EnumerateArray().Select(e => e.GetString()).ToList();
    }

    // ---- one bad input at a time ----

    [Test]
    public void LoadScope_ValidTable_Loads()
    {
        var scope = ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "bidirectional", "filter": [{ "column": "farmer_id", "eq": "$farmer_id" }],
              "conflict": { "policy": "merge", "columns": { "area_ha": "manual" } }, "readOnlyColumns": ["farmer_id"] }
            """));

        Assert.That(scope.Tables.Single().PolicyFor("area_ha"), Is.EqualTo(ConflictPolicy.Manual));
    }

    [Test]
    public void LoadScope_UnknownTable_ReportsTablePath()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plots", "direction": "download" }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].table", "unknown table 'plots'");
    }

    [Test]
    public void LoadScope_UnknownColumnInFilter_ReportsColumnPath()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "download", "filter": [{ "column": "village_code", "eq": 7 }] }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].filter[0].column", "unknown column 'village_code' of table 'plot'");
    }

    [Test]
    public void LoadScope_UnknownColumnInNestedAnyFilter_ReportsNestedPath()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "download",
              "filter": [{ "any": [{ "column": "block_code", "in": "$blocks" }, { "column": "district_codes", "overlaps": "$districts" }] }] }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].filter[0].any[1].column", "unknown column 'district_codes'");
    }

    [Test]
    public void LoadScope_UnknownColumnInConflictColumns_ReportsConflictColumnPath()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "bidirectional", "filter": [{ "column": "farmer_id", "eq": "$farmer_id" }],
              "conflict": { "policy": "merge", "columns": { "area_acres": "manual" } } }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].conflict.columns.area_acres", "unknown column 'area_acres' of table 'plot'");
    }

    [Test]
    public void LoadScope_BadFilterOperator_ReportsOperatorPath()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "download", "filter": [{ "column": "lang", "like": "mr%" }] }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].filter[0].like", "unknown filter operator 'like'");
    }

    [Test]
    public void LoadScope_TwoOperatorsInOneClause_ReportsClausePath()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "download", "filter": [{ "column": "block_code", "in": "$blocks", "eq": 4436 }] }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].filter[0]", "exactly one operator");
    }

    [Test]
    public void LoadScope_UnknownParameter_ReportsOperatorPath()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "download", "filter": [{ "column": "block_code", "in": "$villages" }] }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].filter[0].in", "unknown parameter '$villages'");
    }

    [Test]
    public void LoadScope_EqWithListParameter_ReportsTypeMismatch()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "download", "filter": [{ "column": "block_code", "eq": "$blocks" }] }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].filter[0].eq", "but $blocks is a list");
    }

    [Test]
    public void LoadScope_InWithListOfOtherType_ReportsTypeMismatch()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "download", "filter": [{ "column": "lang", "in": "$blocks" }] }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].filter[0].in", "$blocks is a list of integer and the column is text");
    }

    [Test]
    public void LoadScope_OverlapsOnNonJsonColumn_ReportsOverlapsPath()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "download", "filter": [{ "column": "block_code", "overlaps": "$blocks" }] }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].filter[0].overlaps", "'overlaps' needs a json array column");
    }

    [Test]
    public void LoadScope_LiteralOfWrongType_ReportsLiteral()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "download", "filter": [{ "column": "block_code", "eq": "4436" }] }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].filter[0].eq", "does not fit integer? column 'block_code'");
    }

    [Test]
    public void LoadScope_UnknownConflictPolicy_ReportsPolicyPath()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "bidirectional", "filter": [{ "column": "farmer_id", "eq": "$farmer_id" }],
              "conflict": { "policy": "last-write-wins" } }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].conflict.policy", "unknown conflict policy 'last-write-wins'");
    }

    [Test]
    public void LoadScope_MergeAsColumnPolicy_ReportsColumnPolicy()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "bidirectional", "filter": [{ "column": "farmer_id", "eq": "$farmer_id" }],
              "conflict": { "policy": "merge", "columns": { "area_ha": "merge" } } }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].conflict.columns.area_ha", "unknown column conflict policy 'merge'");
    }

    [Test]
    public void LoadScope_UnknownDirection_ReportsDirectionPath()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "sideways", "filter": [{ "column": "farmer_id", "eq": "$farmer_id" }],
              "conflict": { "policy": "merge" } }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].direction", "unknown direction 'sideways'");
    }

    [Test]
    public void LoadScope_BidirectionalWithoutFilter_ReportsFilterPath()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "bidirectional", "conflict": { "policy": "merge" } }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].filter", "needs a filter");
    }

    [Test]
    public void LoadScope_BidirectionalWithoutConflict_ReportsConflictPath()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "bidirectional", "filter": [{ "column": "farmer_id", "eq": "$farmer_id" }] }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].conflict", "needs a conflict policy");
    }

    [Test]
    public void LoadScope_UnknownReadOnlyColumn_ReportsReadOnlyPath()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "bidirectional", "filter": [{ "column": "farmer_id", "eq": "$farmer_id" }],
              "conflict": { "policy": "merge" }, "readOnlyColumns": ["farmer_id", "owner_id"] }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].readOnlyColumns[1]", "unknown column 'owner_id'");
    }

    [Test]
    public void LoadScope_UnknownTableProperty_ReportsPropertyPath()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "download", "readonlyColumns": ["farmer_id"] }
            """)));

        AssertError(error, ScopeFile, "$.tables[0].readonlyColumns", "unknown property 'readonlyColumns'");
    }

    [Test]
    public void LoadScope_DuplicateTable_ReportsSecondEntry()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Scope("""
            { "table": "plot", "direction": "download" },
            { "table": "plot", "direction": "download", "filter": [{ "column": "lang", "eq": "mr-IN" }] }
            """)));

        AssertError(error, ScopeFile, "$.tables[1].table", "table 'plot' is listed twice");
    }

    [Test]
    public void LoadScope_InvalidJson_ReportsLine()
    {
        const string Json = "{\n  \"scope\": \"test\",\n  \"version\": 1 1,\n  \"tables\": []\n}";

        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, Json));

        AssertError(error, ScopeFile, "line 3", "not valid JSON");
    }

    [Test]
    public void LoadScope_FileNameNotMatchingScopeAndVersion_ReportsExpectedName()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), "test.v2.json", Scope("""
            { "table": "plot", "direction": "download" }
            """)));

        AssertError(error, "test.v2.json", "$", "file name must be 'test.v1.json'");
    }

    [Test]
    public void LoadScope_ZeroVersion_ReportsVersionPath()
    {
        var error = SingleError(() => ScopeLoader.LoadScope(TestCatalog(), ScopeFile, """
            { "scope": "test", "version": 0, "tables": [{ "table": "plot", "direction": "download" }] }
            """));

        AssertError(error, ScopeFile, "$.version", "positive integer");
    }

    [Test]
    public void LoadCatalog_MissingKey_ReportsKeyPath()
    {
        var error = SingleError(() => ScopeLoader.LoadCatalog(CatalogFile, """
            { "tables": { "crop": { "columns": { "crop_id": "uuid", "crop_code": "text" } } } }
            """));

        AssertError(error, CatalogFile, "$.tables.crop.key", "missing key");
    }

    [TestCase("text", "not 'text'")]
    [TestCase("uuid?", "not 'uuid?'")]
    [TestCase("integer", "not 'integer'")]
    public void LoadCatalog_KeyNotNonNullUuid_ReportsKeyType(string keyType, string reason)
    {
        var json = $$"""
            { "tables": { "crop": { "key": "crop_id", "columns": { "crop_id": "{{keyType}}", "crop_code": "text" } } } }
            """;

        var error = SingleError(() => ScopeLoader.LoadCatalog(CatalogFile, json));

        AssertError(error, CatalogFile, "$.tables.crop.key", "must be a non-null uuid");
        Assert.That(error.Reason, Does.Contain(reason));
    }

    [Test]
    public void LoadCatalog_KeyNotAmongColumns_ReportsKeyPath()
    {
        var error = SingleError(() => ScopeLoader.LoadCatalog(CatalogFile, """
            { "tables": { "crop": { "key": "id", "columns": { "crop_id": "uuid" } } } }
            """));

        AssertError(error, CatalogFile, "$.tables.crop.key", "key column 'id' is not among the table's columns");
    }

    [Test]
    public void LoadCatalog_UnknownColumnType_ReportsColumnPath()
    {
        var error = SingleError(() => ScopeLoader.LoadCatalog(CatalogFile, """
            { "tables": { "crop": { "key": "crop_id", "columns": { "crop_id": "uuid", "price": "decimal" } } } }
            """));

        AssertError(error, CatalogFile, "$.tables.crop.columns.price", "unknown column type 'decimal'");
    }

    [Test]
    public void LoadCatalog_UnknownIndexColumn_ReportsIndexPath()
    {
        var error = SingleError(() => ScopeLoader.LoadCatalog(CatalogFile, """
            { "tables": { "crop": { "key": "crop_id", "columns": { "crop_id": "uuid" }, "indexes": [["crop_id"], ["code"]] } } }
            """));

        AssertError(error, CatalogFile, "$.tables.crop.indexes[1]", "unknown column 'code' in index");
    }

    [Test]
    public void LoadCatalog_InvalidJson_ReportsLine()
    {
        var error = SingleError(() => ScopeLoader.LoadCatalog(CatalogFile, "{ \"tables\": { \"crop\": "));

        AssertError(error, CatalogFile, "line 1", "not valid JSON");
    }

    [TestCase("test.json")]
    [TestCase("test.v2.json")]
    [TestCase("other.v1.json")]
    public void LoadDirectory_ScopeFileWithWrongName_ReportsFileAndExpectedName(string fileName)
    {
        var dir = Directory.CreateTempSubdirectory("ks-scopes-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, CatalogFile), TestCatalogJson);
            File.WriteAllText(Path.Combine(dir.FullName, fileName), Scope("""{ "table": "plot", "direction": "download" }"""));

            var error = SingleError(() => ScopeLoader.LoadDirectory(dir.FullName));

            AssertError(error, Path.Combine(dir.FullName, fileName), "$", "file name must be 'test.v1.json'");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public void LoadDirectory_MissingCatalog_ReportsCatalogFile()
    {
        var dir = Directory.CreateTempSubdirectory("ks-scopes-");
        try
        {
            var error = SingleError(() => ScopeLoader.LoadDirectory(dir.FullName));

            AssertError(error, Path.Combine(dir.FullName, CatalogFile), "$", "catalog file is missing");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public void LoadDirectory_ErrorsInTwoFiles_ReportsBoth()
    {
        var dir = Directory.CreateTempSubdirectory("ks-scopes-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, CatalogFile), TestCatalogJson);
            File.WriteAllText(Path.Combine(dir.FullName, "a.v1.json"), """{ "scope": "a", "version": 1, "tables": [{ "table": "nope", "direction": "download" }] }""");
            File.WriteAllText(Path.Combine(dir.FullName, "b.v1.json"), """{ "scope": "b", "version": 1, "tables": [{ "table": "plot", "direction": "up" }] }""");

            var ex = Assert.Throws<ScopeLoadException>(() => ScopeLoader.LoadDirectory(dir.FullName));

            Assert.That(ex.Errors.Select(e => Path.GetFileName(e.File)).Distinct(), Is.EquivalentTo(TwoScopeFiles));
            Assert.That(ex.Message, Does.Contain("a.v1.json: $.tables[0].table: unknown table 'nope'"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    // ---- helpers ----

    private ScopeTable Table(string scope, string name)
    {
        var def = _scopes.Find(scope, 1);
        Assert.That(def, Is.Not.Null, $"scope {scope} v1 is missing");
        Assert.That(def!.TryGetTable(name, out var table), Is.True, $"{scope} has no table {name}");
        return table!;
    }

    private static TableCatalog TestCatalog() => ScopeLoader.LoadCatalog(CatalogFile, TestCatalogJson);

    private static string Scope(string tablesJson) =>
        $$"""{ "scope": "test", "version": 1, "tables": [{{tablesJson}}] }""";

    private static ScopeLoadError SingleError(Action load)
    {
        var ex = Assert.Throws<ScopeLoadException>(load);
        Assert.That(ex.Errors, Has.Count.EqualTo(1), ex.Message);
        return ex.Errors[0];
    }

    private static void AssertError(ScopeLoadError error, string file, string jsonPath, string reason)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.File, Is.EqualTo(file));
            Assert.That(error.JsonPath, Is.EqualTo(jsonPath));
            Assert.That(error.Reason, Does.Contain(reason));
        }
    }

    private static string TypeText(ColumnDefinition column) =>
        column.Type.ToString().ToLower(CultureInfo.InvariantCulture) + (column.Nullable ? "?" : string.Empty);

    /// <summary>A readable, order-preserving rendering of a filter, so tests compare whole filters at once.</summary>
    private static string Describe(FilterNode node) => node switch
    {
        FilterAll all => string.Join(" AND ", all.Children.Select(Describe)),
        FilterAny any => $"any({string.Join(", ", any.Children.Select(Describe))})",
        FilterComparison c => $"{c.Column} {c.Operator.ToString().ToLower(CultureInfo.InvariantCulture)} {(c.Parameter is not null ? "$" + c.Parameter : c.Literal is string s ? $"'{s}'" : Convert.ToString(c.Literal, CultureInfo.InvariantCulture))}",
        _ => throw new ArgumentOutOfRangeException(nameof(node), node, "unknown filter node"),
    };

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KhetiSahayak.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no directory above {TestContext.CurrentContext.TestDirectory} contains KhetiSahayak.sln");
    }

    [Test]
    public void LoadScope_WritableTableFilterNotTiedToPrincipal_FailsNamingTheFilter()
    {
        var catalog = ScopeLoader.LoadCatalog("catalog.json", """
            { "tables": { "note": { "key": "note_id", "columns": { "note_id": "uuid", "owner_id": "uuid", "lang": "text" } } } }
            """);

        var ex = Assert.Throws<ScopeLoadException>(() => ScopeLoader.LoadScope(catalog, "open.v1.json", """
            { "scope": "open", "version": 1, "tables": [ { "table": "note", "direction": "bidirectional",
              "filter": [ { "column": "lang", "eq": "mr-IN" } ], "conflict": { "policy": "merge" } } ] }
            """));

        Assert.That(ex!.Errors.Single().JsonPath, Is.EqualTo("$.tables[0].filter"));
        Assert.That(ex.Errors.Single().Reason, Does.Contain("ties rows to the principal"));
    }
}
