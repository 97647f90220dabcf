-- What the security review of issue 25 asked the server to remember.

-- Which invitation each member came in by (a signed-in account as itself,
-- anyone else as a new device), so that removing the member revokes the
-- links they used: nobody is back in one click by a reused link.
CREATE TABLE redemptions (
    invitation_id INTEGER NOT NULL,
    principal     TEXT    NOT NULL,
    document_id   TEXT    NOT NULL,
    redeemed_at   INTEGER NOT NULL,
    PRIMARY KEY (invitation_id, principal)
);
CREATE INDEX redemptions_by_member ON redemptions (document_id, principal);
-- Redemptions made before this table are in the audit log ("inbjudan <id>: <role>").
INSERT OR IGNORE INTO redemptions (invitation_id, principal, document_id, redeemed_at)
    SELECT CAST(substr(detail, 10, instr(detail, ':') - 10) AS INTEGER), principal, document_id, at
    FROM audit_log WHERE action = 'redeem' AND detail LIKE 'inbjudan %:%' AND document_id IS NOT NULL;

-- Which session has used which plan (and its self-report document): the
-- coordinator sees a member's devices in this plan, not in all their plans.
CREATE TABLE plan_sessions (
    document_id TEXT    NOT NULL,
    session_id  INTEGER NOT NULL,
    first_used  INTEGER NOT NULL,
    PRIMARY KEY (document_id, session_id)
);
-- Sessions that changed a plan, made it or joined it before this table are in the audit log.
INSERT OR IGNORE INTO plan_sessions (document_id, session_id, first_used)
    SELECT COALESCE(p.self_reports_of, a.document_id), a.session_id, MIN(a.at)
    FROM audit_log a LEFT JOIN plans p ON p.document_id = a.document_id
    WHERE a.session_id IS NOT NULL AND a.document_id IS NOT NULL
    GROUP BY COALESCE(p.self_reports_of, a.document_id), a.session_id;

-- Each automerge-repo peer id belongs to the session that first joined with
-- it: nobody takes another's peer id (and with it their live edits) over.
-- Kept here, not in memory, so that it holds across restarts and relays.
CREATE TABLE peer_ids (
    peer_id    TEXT    PRIMARY KEY,
    session_id INTEGER NOT NULL,
    first_seen INTEGER NOT NULL
);
