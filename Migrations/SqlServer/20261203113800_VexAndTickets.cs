using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class VexAndTickets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "VexStatementId",
                table: "Findings",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "TicketConnections",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    System = table.Column<int>(type: "int", nullable: false),
                    BaseUrl = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    UserEmail = table.Column<string>(type: "nvarchar(320)", maxLength: 320, nullable: true),
                    SecretProtected = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    LastTestedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    LastTestResult = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TicketConnections", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TicketWebhookReceipts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ConnectionId = table.Column<int>(type: "int", nullable: false),
                    EventId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TicketWebhookReceipts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "VexDocuments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    DocumentId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    Format = table.Column<int>(type: "int", nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false),
                    Author = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: true),
                    Timestamp = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    LoadedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    LoadedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    PayloadSha256 = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    OwnerTeamId = table.Column<int>(type: "int", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VexDocuments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TicketMappings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    TeamId = table.Column<int>(type: "int", nullable: false),
                    ConnectionId = table.Column<int>(type: "int", nullable: false),
                    Project = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    IssueType = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Labels = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    AreaPath = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Grouping = table.Column<int>(type: "int", nullable: false),
                    PriorityMap = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    InProgressStatuses = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    ResolvedStatuses = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    WontFixStatuses = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    DoneStatus = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    ReopenStatus = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TicketMappings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TicketMappings_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_TicketMappings_TicketConnections_ConnectionId",
                        column: x => x.ConnectionId,
                        principalTable: "TicketConnections",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "VexStatements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    VexDocumentId = table.Column<long>(type: "bigint", nullable: false),
                    Ordinal = table.Column<int>(type: "int", nullable: false),
                    VulnerabilityId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Aliases = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    ProductId = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    Subcomponents = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    Status = table.Column<int>(type: "int", nullable: false),
                    Justification = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    ImpactStatement = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    ActionStatement = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    Timestamp = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VexStatements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VexStatements_VexDocuments_VexDocumentId",
                        column: x => x.VexDocumentId,
                        principalTable: "VexDocuments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RemoteTickets",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    MappingId = table.Column<int>(type: "int", nullable: false),
                    GroupKey = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    Title = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: false),
                    RemoteId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    RemoteKey = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    RemoteUrl = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    RemoteStatus = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    State = table.Column<int>(type: "int", nullable: false),
                    RemoteAssignee = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    BodyHash = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    LastMirroredCommentId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    Revision = table.Column<int>(type: "int", nullable: false),
                    LastError = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    LastSyncedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RemoteTickets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RemoteTickets_TicketMappings_MappingId",
                        column: x => x.MappingId,
                        principalTable: "TicketMappings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RemoteTicketFindings",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    TicketId = table.Column<long>(type: "bigint", nullable: false),
                    FindingId = table.Column<long>(type: "bigint", nullable: false),
                    AddedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    LeftAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RemoteTicketFindings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RemoteTicketFindings_Findings_FindingId",
                        column: x => x.FindingId,
                        principalTable: "Findings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_RemoteTicketFindings_RemoteTickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "RemoteTickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TicketOutbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    TicketId = table.Column<long>(type: "bigint", nullable: false),
                    Action = table.Column<int>(type: "int", nullable: false),
                    IdempotencyKey = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Argument = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    Status = table.Column<int>(type: "int", nullable: false),
                    Attempts = table.Column<int>(type: "int", nullable: false),
                    LastError = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    DoneAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TicketOutbox", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TicketOutbox_RemoteTickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "RemoteTickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Findings_VexStatementId",
                table: "Findings",
                column: "VexStatementId");

            migrationBuilder.CreateIndex(
                name: "IX_RemoteTicketFindings_FindingId",
                table: "RemoteTicketFindings",
                column: "FindingId");

            migrationBuilder.CreateIndex(
                name: "IX_RemoteTicketFindings_TicketId_FindingId",
                table: "RemoteTicketFindings",
                columns: new[] { "TicketId", "FindingId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RemoteTickets_MappingId_GroupKey",
                table: "RemoteTickets",
                columns: new[] { "MappingId", "GroupKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RemoteTickets_RemoteKey",
                table: "RemoteTickets",
                column: "RemoteKey");

            migrationBuilder.CreateIndex(
                name: "IX_TicketConnections_Name",
                table: "TicketConnections",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TicketMappings_ConnectionId",
                table: "TicketMappings",
                column: "ConnectionId");

            migrationBuilder.CreateIndex(
                name: "IX_TicketMappings_TeamId",
                table: "TicketMappings",
                column: "TeamId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TicketOutbox_IdempotencyKey",
                table: "TicketOutbox",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TicketOutbox_Status_NextAttemptAt",
                table: "TicketOutbox",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_TicketOutbox_TicketId",
                table: "TicketOutbox",
                column: "TicketId");

            migrationBuilder.CreateIndex(
                name: "IX_TicketWebhookReceipts_ConnectionId_EventId",
                table: "TicketWebhookReceipts",
                columns: new[] { "ConnectionId", "EventId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TicketWebhookReceipts_ReceivedAt",
                table: "TicketWebhookReceipts",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_VexDocuments_DocumentId",
                table: "VexDocuments",
                column: "DocumentId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VexStatements_VexDocumentId",
                table: "VexStatements",
                column: "VexDocumentId");

            migrationBuilder.CreateIndex(
                name: "IX_VexStatements_VulnerabilityId",
                table: "VexStatements",
                column: "VulnerabilityId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RemoteTicketFindings");

            migrationBuilder.DropTable(
                name: "TicketOutbox");

            migrationBuilder.DropTable(
                name: "TicketWebhookReceipts");

            migrationBuilder.DropTable(
                name: "VexStatements");

            migrationBuilder.DropTable(
                name: "RemoteTickets");

            migrationBuilder.DropTable(
                name: "VexDocuments");

            migrationBuilder.DropTable(
                name: "TicketMappings");

            migrationBuilder.DropTable(
                name: "TicketConnections");

            migrationBuilder.DropIndex(
                name: "IX_Findings_VexStatementId",
                table: "Findings");

            migrationBuilder.DropColumn(
                name: "VexStatementId",
                table: "Findings");
        }
    }
}
