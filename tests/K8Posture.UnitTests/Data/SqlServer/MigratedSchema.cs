using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace K8Posture.UnitTests.Data.SqlServer;

/// <summary>The tables and columns a parsed migration script leaves behind: CREATE TABLE, ALTER TABLE ADD/DROP, DROP TABLE and sp_rename, in script order.</summary>
internal static class MigratedSchema
{
    public static Dictionary<string, HashSet<string>> From(TSqlFragment script)
    {
        var reader = new Reader();
        script.Accept(reader);
        return reader.Tables;
    }

    private sealed class Reader : TSqlFragmentVisitor
    {
        public Dictionary<string, HashSet<string>> Tables { get; } = new(StringComparer.Ordinal);

        private HashSet<string> Table(SchemaObjectName name) =>
            Tables.TryGetValue(name.BaseIdentifier.Value, out var columns) ? columns : Tables[name.BaseIdentifier.Value] = new(StringComparer.Ordinal);

        public override void ExplicitVisit(CreateTableStatement node)
        {
            var columns = Table(node.SchemaObjectName);
            columns.UnionWith(node.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value));
        }

        public override void ExplicitVisit(AlterTableAddTableElementStatement node) =>
            Table(node.SchemaObjectName).UnionWith(node.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value));

        public override void ExplicitVisit(AlterTableDropTableElementStatement node)
        {
            var columns = Table(node.SchemaObjectName);
            foreach (var element in node.AlterTableDropTableElements.Where(e => e.TableElementType == TableElementType.Column))
            {
                columns.Remove(element.Name.Value);
            }
        }

        public override void ExplicitVisit(DropTableStatement node)
        {
            foreach (var name in node.Objects)
            {
                Tables.Remove(name.BaseIdentifier.Value);
            }
        }

        // EXEC sp_rename N'[Table].[Old]', N'New', 'COLUMN' / EXEC sp_rename N'[Old]', N'New' (a table).
        public override void ExplicitVisit(ExecuteStatement node)
        {
            if (node.ExecuteSpecification.ExecutableEntity is not ExecutableProcedureReference { ProcedureReference.ProcedureReference.Name.BaseIdentifier.Value: "sp_rename" } rename)
            {
                base.ExplicitVisit(node);
                return;
            }
            var arguments = rename.Parameters.Select(p => (p.ParameterValue as StringLiteral)?.Value).ToList();
            if (arguments is not [{ } from, { } to, ..])
            {
                return;
            }
            var parts = from.Split('.').Select(p => p.Trim('[', ']')).ToArray();
            var kind = arguments.Count > 2 ? arguments[2] : null;
            if (string.Equals(kind, "COLUMN", StringComparison.OrdinalIgnoreCase) && parts.Length >= 2 && Tables.TryGetValue(parts[^2], out var columns))
            {
                columns.Remove(parts[^1]);
                columns.Add(to);
            }
            else if (kind is null && Tables.Remove(parts[^1], out var renamed))
            {
                Tables[to] = renamed;
            }
        }
    }
}
