/**
 * What stands in front of a Lambda origin on AWS, as CloudFormation resources: an API Gateway REST API (a
 * `{proxy+}` resource and the root, `ANY`, Lambda proxy), an HTTP API (payload 2.0, `$default` route and
 * auto-deployed stage), an Application Load Balancer (an HTTPS listener forwarding to a `lambda` target group) or
 * a function URL, each with the `AWS::Lambda::Permission` that lets it invoke the function; and the domain name
 * CloudFront reaches it at ({@link integrationDomain}).
 */
import type { LambdaOriginConfig } from '../distribution/model.js'
import type { Json, TemplateParts } from './template.js'

/**
 * The REST API stage CloudFront's origin path points at (the local Lambda-origin engine's default stage too).
 *
 * @example
 * ```ts
 * const originPath = `/${REST_STAGE}` // '/prod'
 * ```
 */
export const REST_STAGE = 'prod'

/**
 * The origin path CloudFront sends a Lambda origin's requests under: a REST API's stage, then the origin's own
 * `origin_path` (what the build deploys and what `edgeware dev` forwards).
 *
 * @example
 * ```ts
 * lambdaOriginPath({ integration: 'rest', originPath: '/v1' }) // '/prod/v1'
 * lambdaOriginPath({ integration: 'http', originPath: '' })    // ''
 * ```
 */
export function lambdaOriginPath(o: Pick<LambdaOriginConfig, 'integration' | 'originPath'>): string {
  return `${o.integration === 'rest' ? `/${REST_STAGE}` : ''}${o.originPath}`
}

/** The logical IDs of an origin's resources, by part (`Function`, `RestApi`, …). */
export type PartIds = Readonly<Record<string, string>>

/**
 * The parts each integration's resources are named by (besides the function's own: `Role`, `Function`, `CodeKey`).
 *
 * @example
 * ```ts
 * INTEGRATION_PARTS.url // ['Url', 'UrlPermission', 'InvokePermission']
 * ```
 */
export const INTEGRATION_PARTS: Readonly<Record<LambdaOriginConfig['integration'], readonly string[]>> = {
  rest: ['RestApi', 'ProxyResource', 'ProxyMethod', 'RootMethod', 'Deployment', 'Stage', 'Permission'],
  http: ['HttpApi', 'Integration', 'Route', 'Stage', 'Permission'],
  alb: ['Subnets', 'SecurityGroups', 'CertificateArn', 'LoadBalancer', 'TargetGroup', 'Listener', 'Permission', 'LoadBalancerDnsName'],
  url: ['Url', 'UrlPermission', 'InvokePermission'],
}

/** How an integration is deployed: the function's resource, the names, and who may call a function URL. */
export interface IntegrationInput {
  origin: LambdaOriginConfig
  ids: PartIds
  /** The function's and API's name (`<config name>-origin-<id>`). */
  name: string
  /** The ALB target group's name (≤ 32 characters: letters, digits, `-`). */
  targetGroupName: string
  /** A function URL with `AWS_IAM`: the distribution (or distributions) CloudFront signs for. */
  distributionArn: Json
}

const fnArn = (ids: PartIds): Json => ({ 'Fn::GetAtt': [ids.Function!, 'Arn'] })
/** The host of a URL attribute (`https://host/`): CloudFront's origin domain name. */
const hostOf = (attr: Json): Json => ({ 'Fn::Select': [2, { 'Fn::Split': ['/', attr] }] })

function invokeFromApi(ids: PartIds, api: string): Json {
  return {
    Type: 'AWS::Lambda::Permission',
    Properties: {
      FunctionName: fnArn(ids),
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      SourceArn: { 'Fn::Sub': `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${api}}/*` },
    },
  }
}

/** A REST API: `ANY` on `/` and on `/{proxy+}`, Lambda proxy (payload 1.0), deployed to the `prod` stage. */
function rest({ ids, name }: IntegrationInput): TemplateParts {
  const api = ids.RestApi!
  const method = (resourceId: Json): Json => ({
    Type: 'AWS::ApiGateway::Method',
    Properties: {
      RestApiId: { Ref: api },
      ResourceId: resourceId,
      HttpMethod: 'ANY',
      AuthorizationType: 'NONE',
      Integration: {
        Type: 'AWS_PROXY',
        IntegrationHttpMethod: 'POST',
        Uri: { 'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${ids.Function}.Arn}/invocations` },
      },
    },
  })
  return {
    parameters: {},
    outputs: {},
    resources: {
      // Regional: CloudFront is in front of it already (an edge-optimized API would add a second distribution).
      [api]: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: name, Description: `edgeware origin (REST API, Lambda proxy)`, EndpointConfiguration: { Types: ['REGIONAL'] } } },
      [ids.ProxyResource!]: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: { Ref: api }, ParentId: { 'Fn::GetAtt': [api, 'RootResourceId'] }, PathPart: '{proxy+}' } },
      [ids.ProxyMethod!]: method({ Ref: ids.ProxyResource! }),
      [ids.RootMethod!]: method({ 'Fn::GetAtt': [api, 'RootResourceId'] }),
      // The methods never change (everything goes to the function), so one deployment serves every version of it.
      [ids.Deployment!]: { Type: 'AWS::ApiGateway::Deployment', DependsOn: [ids.ProxyMethod!, ids.RootMethod!], Properties: { RestApiId: { Ref: api }, Description: 'ANY / and ANY /{proxy+} to the function' } },
      [ids.Stage!]: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: api }, DeploymentId: { Ref: ids.Deployment! }, StageName: REST_STAGE } },
      [ids.Permission!]: invokeFromApi(ids, api),
    },
  }
}

/** An HTTP API: the `$default` route to a payload 2.0 Lambda integration, the `$default` stage deployed on change. */
function http({ ids, name }: IntegrationInput): TemplateParts {
  const api = ids.HttpApi!
  return {
    parameters: {},
    outputs: {},
    resources: {
      [api]: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: name, Description: 'edgeware origin (HTTP API, payload 2.0)', ProtocolType: 'HTTP' } },
      [ids.Integration!]: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { ApiId: { Ref: api }, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn(ids), PayloadFormatVersion: '2.0' } },
      [ids.Route!]: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: api }, RouteKey: '$default', Target: { 'Fn::Sub': `integrations/\${${ids.Integration}}` } } },
      [ids.Stage!]: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: api }, StageName: '$default', AutoDeploy: true } },
      [ids.Permission!]: invokeFromApi(ids, api),
    },
  }
}

/**
 * An internet-facing ALB in the given subnets with the given security groups, an HTTPS listener (CloudFront
 * reaches origins over HTTPS only here) with the given certificate, forwarding to a `lambda` target group. The
 * origin's domain is a parameter: a name the certificate covers, pointed at the load balancer.
 */
function alb({ origin, ids, name, targetGroupName }: IntegrationInput): TemplateParts {
  const permission = ids.Permission!
  return {
    parameters: {
      [ids.Subnets!]: { Type: 'List<AWS::EC2::Subnet::Id>', Description: `Subnets (two Availability Zones at least) of the load balancer in front of ${name}; they name its VPC.` },
      [ids.SecurityGroups!]: { Type: 'List<AWS::EC2::SecurityGroup::Id>', Description: `Security groups of the load balancer in front of ${name}: allow HTTPS (443) from CloudFront (the com.amazonaws.global.cloudfront.origin-facing prefix list).` },
      [ids.CertificateArn!]: { Type: 'String', AllowedPattern: '^arn:aws[a-z-]*:acm:[a-z0-9-]+:\\d{12}:certificate/.+$', Description: `ACM certificate (in ${origin.region}) of the load balancer's HTTPS listener: it must cover the origin's domain name.` },
    },
    resources: {
      [ids.LoadBalancer!]: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application', Scheme: 'internet-facing', Subnets: { Ref: ids.Subnets! }, SecurityGroups: { Ref: ids.SecurityGroups! } } },
      // By the target group's name, not its ARN: the group registers the function only once the permission exists.
      [permission]: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          FunctionName: fnArn(ids),
          Action: 'lambda:InvokeFunction',
          Principal: 'elasticloadbalancing.amazonaws.com',
          SourceArn: { 'Fn::Sub': `arn:\${AWS::Partition}:elasticloadbalancing:\${AWS::Region}:\${AWS::AccountId}:targetgroup/${targetGroupName}/*` },
        },
      },
      [ids.TargetGroup!]: {
        Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
        DependsOn: permission,
        Properties: {
          Name: targetGroupName,
          TargetType: 'lambda',
          Targets: [{ Id: fnArn(ids) }],
          TargetGroupAttributes: [{ Key: 'lambda.multi_value_headers.enabled', Value: String(origin.multiValueHeaders) }],
        },
      },
      [ids.Listener!]: {
        Type: 'AWS::ElasticLoadBalancingV2::Listener',
        Properties: {
          LoadBalancerArn: { Ref: ids.LoadBalancer! },
          Port: 443,
          Protocol: 'HTTPS',
          Certificates: [{ CertificateArn: { Ref: ids.CertificateArn! } }],
          DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: ids.TargetGroup! } }],
        },
      },
    },
    outputs: {
      [ids.LoadBalancerDnsName!]: { Description: `DNS name of the load balancer in front of ${name}: point the origin's domain name (a CNAME or alias record) at it`, Value: { 'Fn::GetAtt': [ids.LoadBalancer!, 'DNSName'] } },
    },
  }
}

/**
 * A function URL and the two permissions a URL needs (`lambda:InvokeFunctionUrl`, and `lambda:InvokeFunction` via
 * the URL): for `AWS_IAM`, to CloudFront's service principal for the distribution only; for `NONE`, to everyone.
 */
function url({ origin, ids, distributionArn }: IntegrationInput): TemplateParts {
  const iam = origin.authType === 'AWS_IAM'
  const who: Record<string, Json> = iam ? { Principal: 'cloudfront.amazonaws.com', SourceArn: distributionArn } : { Principal: '*' }
  return {
    parameters: {},
    outputs: {},
    resources: {
      [ids.Url!]: { Type: 'AWS::Lambda::Url', Properties: { TargetFunctionArn: fnArn(ids), AuthType: origin.authType } },
      [ids.UrlPermission!]: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: fnArn(ids), Action: 'lambda:InvokeFunctionUrl', FunctionUrlAuthType: origin.authType, ...who } },
      [ids.InvokePermission!]: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: fnArn(ids), Action: 'lambda:InvokeFunction', InvokedViaFunctionUrl: true, ...who } },
    },
  }
}

/**
 * The domain name CloudFront reaches a Lambda origin at, as an expression of the template holding it: the REST
 * API's `execute-api` domain, the host of the HTTP API's endpoint or of the function URL; `null` for an ALB (its
 * domain is a name the listener's certificate covers, given as a parameter).
 *
 * @example
 * ```ts
 * integrationDomain(origin, ids) // { 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['ApiOriginUrl', 'FunctionUrl'] }] }] }
 * ```
 */
export function integrationDomain(origin: Pick<LambdaOriginConfig, 'integration'>, ids: PartIds): Json {
  switch (origin.integration) {
    case 'rest':
      return { 'Fn::Sub': `\${${ids.RestApi}}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}` }
    case 'http':
      return hostOf({ 'Fn::GetAtt': [ids.HttpApi!, 'ApiEndpoint'] })
    case 'url':
      return hostOf({ 'Fn::GetAtt': [ids.Url!, 'FunctionUrl'] })
    case 'alb':
      return null
  }
}

/**
 * The resources in front of a Lambda origin's function, by its integration.
 *
 * @example
 * ```ts
 * const parts = integrationParts({ origin, ids, name: 'my-site-origin-api', targetGroupName: 'my-site-api', distributionArn })
 * Object.assign(template.Resources, parts.resources)
 * ```
 */
export function integrationParts(input: IntegrationInput): TemplateParts {
  switch (input.origin.integration) {
    case 'rest':
      return rest(input)
    case 'http':
      return http(input)
    case 'alb':
      return alb(input)
    case 'url':
      return url(input)
  }
}
