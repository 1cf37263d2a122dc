using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace K8Posture.UnitTests.Data.SqlServer;

/// <summary>Parses T-SQL as SQL Server 2022 / Azure SQL would (ScriptDom's TSql160Parser, QUOTED_IDENTIFIER ON as SqlClient sets it).</summary>
internal static class TSql
{
    public static TSqlFragment Parse(string sql, string what)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        var fragment = parser.Parse(reader, out var errors);
        Assert.True(errors.Count == 0,
            $"{what}: {errors.Count} T-SQL parse error(s):\n"
            + string.Join("\n", errors.Take(10).Select(e => $"  line {e.Line}, column {e.Column}: {e.Message}"))
            + "\n--- SQL ---\n" + sql);
        return fragment;
    }

    /// <summary>EF's raw-SQL placeholders ({0}, {1} …) as the parameters it sends (@p0, @p1 …).</summary>
    public static string WithParameters(string sql) =>
        System.Text.RegularExpressions.Regex.Replace(sql, @"\{(\d+)\}", "@p$1");

    /// <summary>The tables and columns a statement names (the last part of each multi-part name).</summary>
    public static (IReadOnlySet<string> Tables, IReadOnlySet<string> Columns) NamesIn(TSqlFragment fragment)
    {
        var visitor = new NameCollector();
        fragment.Accept(visitor);
        return (visitor.Tables, visitor.Columns);
    }

    private sealed class NameCollector : TSqlFragmentVisitor
    {
        public HashSet<string> Tables { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Columns { get; } = new(StringComparer.Ordinal);

        public override void ExplicitVisit(NamedTableReference node)
        {
            Tables.Add(node.SchemaObject.BaseIdentifier.Value);
            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(CreateTriggerStatement node)
        {
            Tables.Add(node.TriggerObject.Name.BaseIdentifier.Value);
            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(ColumnReferenceExpression node)
        {
            if (node.MultiPartIdentifier is { Count: > 0 } name)
            {
                Columns.Add(name.Identifiers[^1].Value);
            }
            base.ExplicitVisit(node);
        }
    }
}
