/**
 * Machine coders: an annotator is a person or a model whose labels were imported
 * (`concord import --format annotations --machine <name>`). A new column rather than a new role,
 * since SQLite cannot change the role's CHECK constraint in place and a machine still annotates:
 * its labels stay out of the human figures (agreement, consensus, adjudication) unless the lead
 * names it.
 */
export default `
ALTER TABLE annotator ADD COLUMN kind TEXT NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'machine'));
`;
