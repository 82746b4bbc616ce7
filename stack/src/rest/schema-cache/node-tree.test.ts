import { describe, expect, it } from 'vitest';
import { parseNodeTree, viewTargetOrigins } from './node-tree.ts';

/** `create view v as select id as vid, "a b", "c,d", 1 as one from t` on PostgreSQL 17. */
const VIEW_RULE = String.raw`({QUERY :commandType 1 :querySource 0 :canSetTag true :utilityStmt <> :rtable ({RANGETBLENTRY :alias <> :eref {ALIAS :aliasname t :colnames ("id" "a\ b" "c,d")} :relid 16384 :relkind r}) :jointree {FROMEXPR :fromlist ({RANGETBLREF :rtindex 1}) :quals <>} :targetList ({TARGETENTRY :expr {VAR :varno 1 :varattno 1 :vartype 23 :varnullingrels (b) :location -1} :resno 1 :resname vid :ressortgroupref 0 :resorigtbl 16384 :resorigcol 1 :resjunk false} {TARGETENTRY :expr {VAR :varno 1 :varattno 2} :resno 2 :resname a\ b :ressortgroupref 0 :resorigtbl 16384 :resorigcol 2 :resjunk false} {TARGETENTRY :expr {VAR :varno 1 :varattno 3} :resno 3 :resname c,d :resorigtbl 16384 :resorigcol 3 :resjunk false} {TARGETENTRY :expr {CONST :consttype 23 :constlen 4 :constbyval true :constisnull false :location -1 :constvalue 4 [ 1 0 0 0 0 0 0 0 ]} :resno 4 :resname one :resorigtbl 0 :resorigcol 0 :resjunk false}) :override 0 :stmt_len -1})`;

describe('pg_node_tree', () => {
  it('reads nodes, lists, nulls, escapes and multi-token values', () => {
    const tree = parseNodeTree(
      String.raw`{ALIAS :aliasname a\ \(b\) :colnames ("x" "y\ z") :v <> :c 4 [ 1 0 ]}`,
    );
    expect(tree).toEqual({
      type: 'ALIAS',
      fields: { aliasname: 'a (b)', colnames: ['"x"', '"y z"'], v: null, c: ['4', '[', '1', '0', ']'] },
    });
  });

  it("finds where each output column of a view's query comes from", () => {
    expect(viewTargetOrigins(VIEW_RULE)).toEqual([
      { resno: 1, table: 16384, column: 1 },
      { resno: 2, table: 16384, column: 2 },
      { resno: 3, table: 16384, column: 3 },
      { resno: 4, table: 0, column: 0 },
    ]);
  });

  it('rejects a truncated tree', () => {
    expect(() => parseNodeTree('({QUERY :targetList (')).toThrow();
  });
});
