//Maya ASCII 2018 scene
//Name: master_adjustments.ma
//Codeset: UTF-8
requires maya "2018";
currentUnit -l centimeter -a degree -t film;
fileInfo "application" "maya";
fileInfo "product" "Maya 2018";
createNode transform -n "shotCam";
createNode camera -n "shotCamShape" -p "shotCam";
	setAttr -k off ".v";
createNode transform -n "witnessCam";
createNode camera -n "witnessCamShape" -p "witnessCam";
	setAttr -k off ".v";
createNode renderLayerManager -n "renderLayerManager";
	setAttr -s 2 ".rlmi[1]"  1;
createNode renderLayer -n "defaultRenderLayer";
	setAttr ".g" yes;
	setAttr -s 2 ".adjs";
	setAttr ".adjs[0].val" no;
	setAttr ".adjs[1].val" 7;
createNode renderLayer -n "charLayer";
	setAttr ".adjs[0].val" no;
	setAttr ".rlid" 1;
select -ne :defaultRenderGlobals;
	setAttr ".ren" -type "string" "mayaSoftware";
	setAttr ".an" yes;
	setAttr ".fs" 1;
	setAttr ".ef" 20;
connectAttr "witnessCamShape.rnd" "defaultRenderLayer.adjs[0].plg";
connectAttr ":defaultRenderGlobals.ef" "defaultRenderLayer.adjs[1].plg";
connectAttr "witnessCamShape.rnd" "charLayer.adjs[0].plg";
connectAttr "renderLayerManager.rlmi[1]" "charLayer.rlid";
// End of master_adjustments.ma
