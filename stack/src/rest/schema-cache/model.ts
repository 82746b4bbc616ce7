/**
 * What the schema cache knows about the database: PostgREST's schema cache (relations,
 * relationships, routines) plus the few extra facts `gen types` needs to print what
 * postgres-meta prints. Every object is deeply frozen; a reload builds a new cache.
 */

/** A schema-qualified name. */
export interface QualifiedName {
  readonly schema: string;
  readonly name: string;
}

export type RelationKind = 'table' | 'partitioned_table' | 'view' | 'materialized_view' | 'foreign_table';

/** `pg_type.typtype`, with true arrays (`typelem` set, variable length) told apart. */
export type TypeKind = 'base' | 'array' | 'composite' | 'domain' | 'enum' | 'pseudo' | 'range' | 'multirange';

/** A PostgreSQL type, shared by every column, argument and attribute that uses it. */
export interface PgType {
  readonly oid: number;
  readonly schema: string;
  /** `pg_type.typname`: `int4`, `_int4` for `integer[]`, `posts` for a row type. */
  readonly name: string;
  /** `format_type(oid, NULL)` with an empty search_path, as PostgREST prints types: `integer[]`, `public.mood`. */
  readonly text: string;
  readonly kind: TypeKind;
  /** Arrays: the element type. */
  readonly element: PgType | null;
  /** Domains: the type the domain is declared over (itself a domain, for a domain over one). */
  readonly base: PgType | null;
  /** Row types: the kind of relation (or stand-alone composite type) they describe. */
  readonly relationKind: RelationKind | 'composite' | null;
}

export type IdentityKind = 'always' | 'by default';

export interface Column {
  readonly name: string;
  /** `attnum`; columns are listed in this order. */
  readonly position: number;
  readonly comment: string | null;
  readonly nullable: boolean;
  /**
   * The type as PostgREST reports it (its `colType`): without modifiers for built-in types, the
   * built-in base type for domains over one, schema-qualified otherwise (`public.mood`).
   */
  readonly dataType: string;
  /** `format_type(atttypid, atttypmod)`, schema-qualified: PostgREST's `colNominalType`. */
  readonly nominalType: string;
  /** The declared type (for arrays, `type.element` is the element type). */
  readonly type: PgType;
  /**
   * Array dimensions as declared (`int[][]` is 2), at least 1 for arrays (views record none),
   * 0 otherwise. PostgreSQL does not enforce them.
   */
  readonly dimensions: number;
  /**
   * The default as PostgREST reports it: a domain's default when the column has none,
   * `nextval('seq')` for identity BY DEFAULT, none for generated columns.
   */
  readonly default: string | null;
  /** The column's own default or generation expression (`pg_attrdef`), as postgres-meta reports it. */
  readonly defaultExpression: string | null;
  readonly identity: IdentityKind | null;
  /** Generated columns: 'stored' (or 'virtual' from PostgreSQL 18). */
  readonly generated: 'stored' | 'virtual' | null;
  readonly maxLength: number | null;
  /** Labels, in order, when the column's (base) type is an enum. */
  readonly enum: readonly string[];
  /** Whether the column can be written: always for tables, per column for views and foreign tables. */
  readonly updatable: boolean;
}

/** A primary key or unique constraint; columns in table order. */
export interface UniqueKey {
  readonly name: string;
  readonly primary: boolean;
  readonly columns: readonly string[];
}

export interface Relation extends QualifiedName {
  readonly oid: number;
  readonly kind: RelationKind;
  /** Views and materialized views (PostgREST's `tableIsView`). */
  readonly isView: boolean;
  readonly comment: string | null;
  /** Tables always; views and foreign tables when auto-updatable or given INSTEAD OF triggers. */
  readonly insertable: boolean;
  readonly updatable: boolean;
  readonly deletable: boolean;
  /** UPDATE and DELETE work without triggers (information_schema's `is_updatable`). */
  readonly autoUpdatable: boolean;
  /**
   * Primary-key columns. Tables: ordered by name, as PostgREST orders them. Views: the view
   * columns that expose a base table's primary key, in key order.
   */
  readonly primaryKey: readonly string[];
  /** Primary and unique constraints (tables only). */
  readonly uniqueKeys: readonly UniqueKey[];
  readonly columns: readonly Column[];
}

/** A foreign-key constraint between two base tables (any schema). */
export interface ForeignKey {
  readonly name: string;
  readonly table: QualifiedName;
  readonly columns: readonly string[];
  readonly referencedTable: QualifiedName;
  readonly referencedColumns: readonly string[];
  /** The columns are exactly a primary or unique key (as a set): PostgREST's one-to-one. */
  readonly oneToOne: boolean;
  /** The columns, in constraint order, list a key in table order: postgres-meta's stricter test. */
  readonly oneToOneOrdered: boolean;
}

/** `(column of the origin, column of the target)`, in constraint order. */
export type ColumnPair = readonly [string, string];

interface RelationshipEnds {
  /** The origin: the relation being queried. */
  readonly table: QualifiedName;
  /** The target: the relation being embedded. */
  readonly foreignTable: QualifiedName;
  readonly isSelf: boolean;
}

/** A relationship through one foreign key, seen from either end (or through views over them). */
export interface ForeignKeyRelationship extends RelationshipEnds {
  readonly type: 'foreign-key';
  readonly cardinality: 'many-to-one' | 'one-to-many' | 'one-to-one';
  /** The constraint's name. */
  readonly constraint: string;
  readonly columns: readonly ColumnPair[];
  /** One-to-one only: the origin is the referenced side. */
  readonly isParent: boolean;
  readonly tableIsView: boolean;
  readonly foreignTableIsView: boolean;
  /** The base-table constraint this relationship comes from. */
  readonly foreignKey: ForeignKey;
}

export interface Junction {
  readonly table: QualifiedName;
  /** The junction's foreign key to the origin. */
  readonly constraint1: string;
  /** The junction's foreign key to the target. */
  readonly constraint2: string;
  /** `(origin column, junction column)` pairs. */
  readonly sourceColumns: readonly ColumnPair[];
  /** `(target column, junction column)` pairs. */
  readonly targetColumns: readonly ColumnPair[];
}

/** Many-to-many through a junction whose primary key covers foreign keys to both ends. */
export interface ManyToManyRelationship extends RelationshipEnds {
  readonly type: 'many-to-many';
  readonly cardinality: 'many-to-many';
  readonly junction: Junction;
  readonly tableIsView: boolean;
  readonly foreignTableIsView: boolean;
}

/** A function `f(origin_row) returns target_row` (or setof), embeddable as `f(*)`. */
export interface ComputedRelationship extends RelationshipEnds {
  readonly type: 'computed';
  readonly function: QualifiedName;
  readonly toOne: boolean;
}

export type Relationship = ForeignKeyRelationship | ManyToManyRelationship | ComputedRelationship;

export type ParameterMode = 'in' | 'out' | 'inout' | 'variadic' | 'table';

export interface RoutineParameter {
  /** '' when unnamed. */
  readonly name: string;
  readonly mode: ParameterMode;
  readonly type: PgType;
  /**
   * The type PostgREST casts arguments to: `type.text`, except that `character` and `bit`
   * become their varying forms so an argument is not truncated to one character.
   */
  readonly castType: string;
  /** Input parameters with a DEFAULT. */
  readonly hasDefault: boolean;
}

export type Volatility = 'immutable' | 'stable' | 'volatile';

/** The return type as PostgREST classifies it (domains resolved to their base type). */
export interface ReturnType {
  /** Composite: a row type, or OUT/INOUT/TABLE parameters. */
  readonly kind: 'scalar' | 'composite';
  /** The (base) type; for row types the relation's name. */
  readonly name: QualifiedName;
  readonly set: boolean;
  /** The declared return type is a domain (over a composite type, when `kind` is composite). */
  readonly viaDomain: boolean;
}

export interface Routine extends QualifiedName {
  readonly oid: number;
  readonly comment: string | null;
  /** Every parameter in declaration order, OUT and TABLE columns included. */
  readonly parameters: readonly RoutineParameter[];
  readonly returns: ReturnType;
  /** The declared return type (`prorettype`): `record` for OUT/TABLE parameters. */
  readonly returnType: PgType;
  readonly returnsSet: boolean;
  /** Planner row estimate of set-returning functions (`ROWS n`). */
  readonly rows: number | null;
  readonly volatility: Volatility;
  readonly securityDefiner: boolean;
  readonly hasVariadic: boolean;
  /** Every `SET name = value` of the function, in order. */
  readonly settings: readonly (readonly [string, string])[];
  /** From a `SET default_transaction_isolation` clause. */
  readonly isolationLevel: string | null;
  /**
   * Reachable through `/rpc`: not a trigger function, and every input parameter named, except
   * a single unnamed json, jsonb, text, xml or bytea one.
   */
  readonly callable: boolean;
  /**
   * `pg_get_function_arguments` / `pg_get_function_result` under the session's search_path,
   * and `format_type` of each parameter type likewise: postgres-meta sorts and matches on them.
   */
  readonly signature: {
    readonly arguments: string;
    readonly result: string;
    readonly parameterTypes: readonly string[];
  };
}

export interface EnumType extends QualifiedName {
  readonly oid: number;
  readonly labels: readonly string[];
}

export interface CompositeType extends QualifiedName {
  readonly oid: number;
  readonly comment: string | null;
  readonly attributes: readonly { readonly name: string; readonly type: PgType }[];
}

/** Nested lookup: schema → name → value. Objects have no prototype, so any name is a key. */
export type BySchema<T> = Readonly<Record<string, Readonly<Record<string, T>>>>;

export interface SchemaCache {
  /** The exposed schemas that exist, in configuration order (the first is the default). */
  readonly schemas: readonly string[];
  /** Relations of the exposed schemas. Partitions are left out, as PostgREST leaves them out. */
  readonly relations: BySchema<Relation>;
  /** Partitions of partitioned tables: invisible to the API, listed by `gen types`. */
  readonly partitions: readonly Relation[];
  /** Relationships by origin, each list in PostgREST's order; both ends in exposed schemas. */
  readonly relationships: BySchema<readonly Relationship[]>;
  /** Functions of the exposed schemas by name; overloads ordered by fewest parameters first. */
  readonly routines: BySchema<readonly Routine[]>;
  /** Enums of every schema (columns may use one from an unexposed schema). */
  readonly enums: readonly EnumType[];
  /** Stand-alone composite types (`CREATE TYPE ... AS`) of every schema. */
  readonly compositeTypes: readonly CompositeType[];
}
