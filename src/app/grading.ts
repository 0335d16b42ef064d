// Re-grading after claims change: one rule (domain's gradeIncident), applied inside the writer's
// transaction so the grade and the claim that changed it commit together.
import { TallyError, gradeIncident, gradePerson, type GradeResult } from '../domain/index.js'
import type { Store, Writer } from '../store/index.js'

export async function regradeIncident(w: Writer, incidentId: number): Promise<GradeResult> {
  const claims = await w.read.claims.forGrading({ kind: 'incident', incidentId })
  const result = gradeIncident(claims)
  const updated = await w.setIncidentComputedGrade(incidentId, result.grade)
  if (!updated) throw new TallyError('not_found', `incident ${incidentId} does not exist`)
  return result
}

export async function regradePerson(w: Writer, personId: number): Promise<GradeResult> {
  const claims = await w.read.claims.forGrading({ kind: 'person', personId })
  const result = gradePerson(claims)
  await w.setPersonGrade(personId, result.grade)
  return result
}

/** The grade explanation of an incident as it stands (for reviewers). */
export async function explainIncidentGrade(store: Store, incidentId: number): Promise<GradeResult> {
  return gradeIncident(await store.claims.forGrading({ kind: 'incident', incidentId }))
}
