/**
 * Every AWS stand-in on one endpoint, sharing state as the services do (CloudFormation creates Lambda functions
 * and reads templates from S3). Test tool.
 */
import { cfnState, cloudFormationService, type CfnState } from './cloudformation.js'
import { lambdaService, lambdaState, type LambdaState } from './lambda.js'
import { logsService, logsState, type LogsState } from './logs.js'
import { s3Service, s3State, type S3State } from './s3.js'
import { secretsManagerService, ssmService, type StoredSecret } from './secrets-services.js'
import { startAwsStandin, TEST_CREDENTIALS, type AwsStandin } from './server.js'

export { TEST_CREDENTIALS } from './server.js'

/** The stand-in endpoint and the state behind each service. */
export interface FakeAws extends AwsStandin {
  s3: S3State
  cfn: CfnState
  lambda: LambdaState
  logs: LogsState
  ssm: Map<string, StoredSecret>
  secretsManager: Map<string, StoredSecret>
  /** Environment variables that point the SDK's default chain at this endpoint with the test credentials. */
  env: Record<string, string>
}

/** Starts every stand-in; `buckets` are created in S3 (name → Region). */
export async function startFakeAws(buckets: Record<string, string> = { 'edge-code': 'us-east-1' }): Promise<FakeAws> {
  const s3 = s3State(buckets)
  const lambda = lambdaState()
  const cfn = cfnState(lambda, s3)
  const logs = logsState()
  const ssm = new Map<string, StoredSecret>()
  const secretsManager = new Map<string, StoredSecret>()
  const standin = await startAwsStandin({
    s3: s3Service(s3),
    cloudformation: cloudFormationService(cfn),
    lambda: lambdaService(lambda),
    logs: logsService(logs),
    ssm: ssmService(ssm),
    secretsmanager: secretsManagerService(secretsManager),
  })
  return Object.assign(standin, {
    s3,
    cfn,
    lambda,
    logs,
    ssm,
    secretsManager,
    env: {
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL: standin.url,
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent/edgeware-test-aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/edgeware-test-aws-credentials',
      EDGEWARE_POLL_MS: '5',
    },
  })
}
